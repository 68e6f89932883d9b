-- Vedlegg 1 … Vedlegg 7 (2 of 2, after Quarto has numbered). Quarto letters appendices: the
-- heading «Vedlegg B: Tittel», sections «B.1», captions «Tabell B.1» and references «Vedlegg B»
-- in the merged Word and Typst documents, and the page title «Vedlegg B: Tittel» in HTML.
-- Only the numbers Quarto wrote are changed, never the writer's text: a heading's number is
-- where Quarto put it, and Quarto writes a label as three Strs (prefix, no-break space,
-- number), which text from a chapter never is (markdown keeps a no-break space inside a word).

-- "B" -> "2", "B.1.3" -> "2.1.3"; nil for anything that is not a lettered number
local function numbered(label)
  local letter, rest = label:match("^(%u)(.*)$")
  if letter == nil or rest:gsub("%.%d+", "") ~= "" then
    return nil
  end
  return tostring(letter:byte() - 64) .. rest
end

-- prefix, no-break space, lettered number: «Tabell B.1» in a caption, «Vedlegg B» in a reference
local function labels(inlines)
  for i = 3, #inlines do
    local a, b, c = inlines[i - 2], inlines[i - 1], inlines[i]
    if a.t == "Str" and b.t == "Str" and b.text == "\u{a0}" and c.t == "Str" then
      c.text = numbered(c.text) or c.text
    end
  end
  return inlines
end

-- a reference's number, last in its link: «Vedlegg B», or «B» alone for `[-@sec-…]`
local function xref(link)
  local last = link.content[#link.content]
  if link.classes:includes("quarto-xref") and last and last.t == "Str" then
    last.text = numbered(last.text) or last.text
    return link
  end
end

-- the heading's number, which Quarto put before the text (Str, or Span in HTML), and the
-- same number in the `number` attribute Pandoc writes into the HTML contents
local function header(h)
  local old = h.attributes["number"]
  local new = old and numbered(old)
  if new == nil then
    return nil
  end
  h.attributes["number"] = new
  for i = 1, math.min(3, #h.content) do
    local el = h.content[i]
    local holder = (el.t == "Span" and el.classes:includes("header-section-number")) and el.content[1] or el
    if holder and holder.t == "Str" and holder.text == old then
      holder.text = new
      break
    end
  end
  return h
end

-- HTML: an appendix page's title «Vedlegg B: Tittel» (the page's h1), which Quarto writes as
-- `crossref: appendix-title`, the letter and `appendix-delim` before the chapter's heading
-- (inside a span when the heading has an id)
local function page_title(meta)
  local crossref = meta.crossref
  if not (crossref and crossref["chapters-appendix"] == true and meta.title) then
    return nil
  end
  local title = meta.title
  if #title == 1 and title[1].t == "Span" and title[1].classes:includes("quarto-section-identifier") then
    title = title[1].content
  end
  local prefix = pandoc.utils.stringify(crossref["appendix-title"] or "Appendix")
  if #title >= 3 and title[1].t == "Str" and title[1].text == prefix and title[2].t == "Space"
      and title[3].t == "Str" then
    local letter, delim = title[3].text:match("^(%u)(%p*)$")
    if letter then
      title[3].text = numbered(letter) .. delim
      return meta
    end
  end
end

return {
  { Header = header, Inlines = labels, Link = xref },
  { Meta = page_title },
}
