-- Unfinished text stands out in a draft: a paragraph holding «Skriv her …» or the writers'
-- marker «[UFERDIG]» (report/content/references.py finds the same) gets a fill in every format:
-- the class `uferdig` (web: nhsp.scss; PDF: typst.lua) and the Word character style «Uferdig»
-- (report/publish/docx/finalize.py). The final build refuses a chapter that still has one, so
-- only drafts ever show it. No Quarto API: tests run it with Pandoc alone.

local function unfinished(inlines)
  local text = pandoc.utils.stringify(inlines):lower()
  return text:find("skriv her", 1, true) or text:find("[uferdig]", 1, true)
end

local function mark(block)
  if unfinished(block.content) then
    block.content = { pandoc.Span(block.content, { class = "uferdig", ["custom-style"] = "Uferdig" }) }
    return block
  end
end

return {
  { Para = mark, Plain = mark },
}
