-- Table cells in the PDF:
-- * text that starts a line with Typst markup («2. kvartal 2023», «- », «= Tittel») stays text.
--   Pandoc's Typst writer escapes it at the start of a paragraph but not in a cell, where it
--   became a numbered list, a bullet or a heading;
-- * a row that surely fits on a page is never split across two (it moves whole to the next page):
--   its cells' text is measured against the column widths, conservatively (portrait line length,
--   landscape page height). A longer row may still split: kept whole it would run off the page;
-- * a table whose columns have widths fills the text width: Pandoc's shares of a grid table add
--   up to a little less than the whole, and less the narrower the table's source, so two tables
--   with the same proportions (Vedlegg 7) were not equally wide;
-- * a word wider than its column (a URL, a file name, code) may break after its punctuation
--   (before an opening bracket), and in code a run still too wide, anywhere (zero-width spaces),
--   instead of running over the next cell. A word's letters are left to Typst's hyphenation,
--   unless a run of them is longer than any word (30). The width is the
--   same conservative estimate as for the rows (words that fit are left as they are), made
--   here rather than measured in the template: measuring every cell doubled Typst's time and
--   memory on a large report.
-- No Quarto API: tests run it with Pandoc alone (tests/publish/test_typst_cells.py).
if FORMAT ~= "typst" then
  return {}
end

-- "2." "-" "+" "=" "/" before a space start a list, heading or term at the start of a line.
local function line_start_markup(el, after)
  return el and el.t == "Str" and after and after.t == "Space"
    and (el.text:match("^%d+%.$") or el.text:match("^[-+=/]$"))
end

local function escape_line_starts(inlines)
  for i, el in ipairs(inlines) do
    local starts = i == 1 or inlines[i - 1].t == "LineBreak"
    if starts and line_start_markup(el, inlines[i + 1]) then
      inlines[i] = pandoc.RawInline("typst", "\\" .. el.text)
    end
  end
  return inlines
end

-- Characters per line at the full text width, and lines a row may have and still surely fit
-- (8.5 pt type: about 119 characters on a portrait line; a landscape page holds some 42 lines
-- of table text, and a row of up to 60 % of that is kept whole).
local LINE = 119
local WHOLE = 25

local function lines(cell, width)
  local per_line = math.max(8, math.floor(LINE * width))
  local count = 0
  for _, block in ipairs(cell.contents) do
    local text = pandoc.utils.stringify(block)
    local items = block.t == "BulletList" and #block.content or 1
    count = count + math.max(items, math.ceil(#text / per_line)) + 1
  end
  return count
end

-- each cell of `row` with its share of the table's width (the columns it spans)
local function cells_with_widths(row, widths)
  local out, column = {}, 1
  for _, cell in ipairs(row.cells) do
    local width = 0
    for i = column, column + cell.col_span - 1 do
      width = width + (widths[i] or 0)
    end
    column = column + cell.col_span
    out[#out + 1] = { cell, width }
  end
  return out
end

local function keep_whole(row, widths)
  local tallest = 0
  for _, pair in ipairs(cells_with_widths(row, widths)) do
    tallest = math.max(tallest, lines(pair[1], pair[2]))
  end
  if tallest > WHOLE then
    return
  end
  for _, cell in ipairs(row.cells) do
    cell.contents:insert(1, pandoc.RawBlock("typst", "#block(breakable: false)["))
    cell.contents:insert(pandoc.RawBlock("typst", "]"))
  end
end

local ZWSP = "\u{200B}"
local LONGEST_WORD = 30

-- a code point a break must not go before: a combining mark, a joiner, a variation selector
local function joins(c)
  return (c >= 0x300 and c <= 0x36F) or (c >= 0x1AB0 and c <= 0x1AFF) or (c >= 0x1DC0 and c <= 0x1DFF)
    or (c >= 0x20D0 and c <= 0x20FF) or (c >= 0xFE00 and c <= 0xFE0F) or (c >= 0xFE20 and c <= 0xFE2F)
    or c == 0x200D
end

local function anywhere(run)
  local out, previous = {}, nil
  for _, c in utf8.codes(run) do
    if previous and not joins(c) and previous ~= 0x200D then
      out[#out + 1] = ZWSP
    end
    out[#out + 1] = utf8.char(c)
    previous = c
  end
  return table.concat(out)
end

-- `word` with places to break it when it is longer than `room` characters, or nil
local function breakable(word, room)
  local length = utf8.len(word) or #word
  if length <= room then
    return nil
  end
  if not word:find("%p") then
    return length > LONGEST_WORD and anywhere(word) or nil
  end
  -- In code (a URL, a file name, an ID: marks such as _ = : inside it, a dot between letters, or
  -- digits) a run wider than the column breaks anywhere. In words («Personskadeforbundet).»,
  -- «NHSP-oppdragene», «målområder/indikatorer») Typst hyphenates the letters, unless a run is
  -- longer than any word.
  local code = word:find("[_\\=?&@:#%%~|]") or word:find("%a%.%a") or word:find("%d")
  local out = {}
  for run, mark in word:gmatch("([^%p]*)(%p?)") do
    out[#out + 1] = (utf8.len(run) or #run) > (code and room or LONGEST_WORD) and anywhere(run) or run
    out[#out + 1] = mark
  end
  -- after a punctuation mark (before an opening bracket), but never inside a number («31.12.2023»)
  local text = table.concat(out)
  return (text:gsub("()(%p)()", function(at, mark, after)
    if text:sub(at - 1, at - 1):match("%d") and text:sub(after, after):match("%d") then
      return mark
    end
    return mark:match("[<%(%[{]") and ZWSP .. mark or mark .. ZWSP
  end))
end

local function break_long_words(row, widths)
  for _, pair in ipairs(cells_with_widths(row, widths)) do
    local cell, room = pair[1], math.max(4, math.floor(LINE * pair[2] * 0.8))
    cell.contents = cell.contents:walk({
      Str = function(str)
        local text = breakable(str.text, room)
        if text then
          return pandoc.Str(text)
        end
      end,
    })
  end
end

local function escape_block(b)
  b.content = escape_line_starts(b.content)
  return b
end

return {
  {
    Table = function(tbl)
      tbl = tbl:walk({ Plain = escape_block, Para = escape_block })
      local widths, total = {}, 0
      for i, spec in ipairs(tbl.colspecs) do
        widths[i] = type(spec[2]) == "number" and spec[2] or 1 / #tbl.colspecs
        total = type(spec[2]) == "number" and total and total + spec[2] or nil
      end
      if total and total > 0 then
        for i, spec in ipairs(tbl.colspecs) do
          widths[i] = spec[2] / total
          tbl.colspecs[i] = { spec[1], widths[i] }
        end
      end
      for _, body in ipairs(tbl.bodies) do
        for _, row in ipairs(body.body) do
          break_long_words(row, widths)
          keep_whole(row, widths)
        end
      end
      return tbl
    end,
  },
}
