-- Text in a table cell that starts a line with Typst markup («2. kvartal 2023», «- », «= Tittel»)
-- stays text in the PDF. Pandoc's Typst writer escapes it at the start of a paragraph but not in
-- a cell, where it became a numbered list, a bullet or a heading. No Quarto API: tests run it
-- with Pandoc alone (tests/publish/test_typst_cells.py).
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

local function escape_block(b)
  b.content = escape_line_starts(b.content)
  return b
end

return {
  {
    Table = function(tbl)
      return tbl:walk({ Plain = escape_block, Para = escape_block })
    end,
  },
}
