-- The PDF (Typst) side of the report's book format, after Quarto's own filters:
-- * «Vedlegg»: the first appendix chapter starts the appendix numbering (Vedlegg 1, 2, …),
--   the appendices' sections, and headings deeper than three levels, are unnumbered;
-- * the colophon (a Div with class `kolofon`) moves to the page after the cover, with the
--   contents after it;
-- * status and progress words, and unfinished text (uferdig.lua), keep their fill (spans with
--   classes from report/content/palette.py);
-- * the prompt under a table header's word (class `ledetekst`) is set small and not bold.
if not quarto.doc.is_format("typst") then
  return {}
end

local vedlegg_started = false
local number_depth = math.huge -- `number-depth` in _quarto.yml, read first (Quarto numbers the other formats by it)

local function raw(text)
  return pandoc.RawBlock("typst", text)
end

local headers = {
  Header = function(el)
    local state = quarto.doc.file_metadata()
    local file = state and state.file
    -- an appendix's sections are unnumbered, as in the publication: no label of theirs can be
    -- a chapter's («2.1»); its tables and figures are «Tabell V2.1» (the template). Headings
    -- deeper than `number-depth` (_quarto.yml) are unnumbered, as Quarto does in the other formats.
    if (el.level > number_depth or vedlegg_started and el.level > 1) and not el.classes:includes("unnumbered") then
      el.classes:insert("unnumbered")
      return el
    end
    if vedlegg_started then
      return nil
    end
    if el.level ~= 1 or file == nil or file.bookItemType ~= "appendix" then
      return nil
    end
    vedlegg_started = true
    if el.classes:includes("unnumbered") then
      return raw("#nhsp-vedlegg-start()") -- Quarto's "Vedlegg" divider: a page with a heading only
    end
    return { raw("#nhsp-vedlegg-start()"), el }
  end,
}

local function wrapped(opening, content)
  local out = pandoc.Inlines({ pandoc.RawInline("typst", opening) })
  out:extend(content)
  out:insert(pandoc.RawInline("typst", "]"))
  return out
end

local fills = {
  Span = function(el)
    if el.classes:includes("ledetekst") then
      return wrapped("#nhsp-ledetekst[", el.content)
    end
    if el.classes:includes("uferdig") then -- a paragraph: a highlight runs over its lines, a box would not
      return wrapped('#highlight(fill: nhsp-fyll.at("uferdig"))[', el.content)
    end
    for _, class in ipairs(el.classes) do
      if class:match("^fremdrift%-") or class:match("^status%-") then
        return wrapped('#nhsp-merke("' .. class .. '")[', el.content)
      end
    end
  end,
}

local front_matter = {
  Pandoc = function(doc)
    local colophon = nil
    local blocks = pandoc.Blocks({})
    for _, block in ipairs(doc.blocks) do
      if colophon == nil and block.t == "Div" and block.classes:includes("kolofon") then
        colophon = block
      else
        blocks:insert(block)
      end
    end
    local front = pandoc.Blocks({})
    if colophon ~= nil then
      front:insert(raw("#nhsp-kolofon["))
      -- its own page now: its heading is a top-level one (a tagged PDF starts with level 1)
      front:extend(colophon.content:walk({ Header = function(h) h.level = 1; return h end }))
      front:insert(raw("]"))
    end
    front:insert(raw("#nhsp-innhold()"))
    front:extend(blocks)
    doc.blocks = front
    return doc
  end,
}

local settings = {
  Meta = function(meta)
    number_depth = tonumber(pandoc.utils.stringify(meta["number-depth"] or "")) or number_depth
  end,
}

return {
  settings,
  quarto.utils.combineFilters({ quarto.utils.file_metadata_filter(), headers, fills }),
  front_matter,
}
