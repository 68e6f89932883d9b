-- Vedlegg 1 … Vedlegg 7 (2 of 2, after Quarto has numbered). Quarto letters appendices: the
-- heading «Vedlegg B: Tittel», sections «B.1», captions «Tabell B.1» and references «Vedlegg B»
-- in the merged Word and Typst documents, and the page title «Vedlegg B: Tittel» in HTML.
-- Every label stays unique in the document, as in the publication: an appendix is «Vedlegg 2»,
-- its sections are unnumbered (a reference to one names the appendix: «Vedlegg 2») and its
-- tables and figures are «Tabell V2.1», «Figur V3.1», never the labels of chapters 2 and 3.
-- Only the numbers Quarto wrote are changed, never the writer's text: a heading's number is
-- where Quarto put it, and Quarto writes a label as three Strs (prefix, no-break space,
-- number), which text from a chapter never is (markdown keeps a no-break space inside a word).
-- On an HTML appendix page vedlegg-nummer.lua has Quarto number with digits («2.1»); the
-- references other pages make to it are resolved after Pandoc, in report/publish/html/vedlegg.py.

local NBSP = "\u{a0}"
local APPENDIX_PREFIX = "V" -- «Tabell V2.1»; report/publish/html/vedlegg.py uses the same
local appendix_page = false -- an HTML page of its own for one appendix (numbers in digits)

-- the appendix's number and the rest of a label Quarto wrote: "B.1" -> "2", ".1"; on an HTML
-- appendix page "2.1" -> "2", ".1"; nil for anything else
local function parts(label)
  local first, rest = label:match("^(%u)(.*)$")
  if first then
    first = tostring(first:byte() - 64)
  elseif appendix_page then
    first, rest = label:match("^(%d+)(.*)$")
  end
  if first == nil or rest:gsub("%.%d+", "") ~= "" then
    return nil
  end
  return first, rest
end

-- a table's or figure's number: "B.1" -> "V2.1"; an appendix alone: "B" -> "2"
local function numbered(label)
  local first, rest = parts(label)
  if first == nil or (rest == "" and appendix_page) then
    return nil
  end
  return rest == "" and first or APPENDIX_PREFIX .. first .. rest
end

-- prefix, no-break space, number: «Tabell B.1» in a caption, «Vedlegg B» in a reference
local function labels(inlines)
  for i = 3, #inlines do
    local a, b, c = inlines[i - 2], inlines[i - 1], inlines[i]
    if a.t == "Str" and b.t == "Str" and b.text == NBSP and c.t == "Str" then
      c.text = numbered(c.text) or c.text
    end
  end
  return inlines
end

-- a reference, its number last in the link: «Vedlegg B», «B» alone for `[-@sec-…]`, «Tabell
-- B.1»; one to an appendix's section names the appendix, «Vedlegg 2» («2» alone)
local function xref(link)
  local last = link.content[#link.content]
  if not (link.classes:includes("quarto-xref") and last and last.t == "Str") then
    return nil
  end
  local first, rest = parts(last.text)
  if first and rest ~= "" and link.target:match("#sec%-") then
    link.content = #link.content == 1 and { pandoc.Str(first) }
        or { pandoc.Str("Vedlegg"), pandoc.Str(NBSP), pandoc.Str(first) }
  else
    last.text = numbered(last.text) or last.text
  end
  return link
end

-- The heading's number, which Quarto put before the text (Str, or Span in HTML), and the
-- same number in the `number` attribute Pandoc writes into the HTML contents: «Vedlegg 2»
-- keeps it, the appendix's sections lose it (`unnumbered`, so Pandoc does not number them).
local function header(h)
  local old = h.attributes["number"]
  local first, rest = parts(old or "")
  if first == nil then
    return nil
  end
  local holder_index
  for i = 1, math.min(3, #h.content) do
    local el = h.content[i]
    local holder = (el.t == "Span" and el.classes:includes("header-section-number")) and el.content[1] or el
    if holder and holder.t == "Str" and holder.text == old then
      if rest == "" then
        holder.text = first
      else
        holder_index = i
      end
      break
    end
  end
  if rest == "" then
    h.attributes["number"] = first
    return h
  end
  h.attributes["number"] = nil
  h.classes:insert("unnumbered")
  if holder_index then
    h.content:remove(holder_index)
    if h.content[holder_index] and h.content[holder_index].t == "Space" then
      h.content:remove(holder_index)
    end
  end
  return h
end

-- HTML: is this an appendix's page (vedlegg-nummer.lua has Quarto number it with digits)?
local function page_kind(meta)
  appendix_page = meta.crossref ~= nil and meta.crossref["chapters-appendix"] == true
end

-- HTML: an appendix page's title «Vedlegg B: Tittel» (the page's h1), which Quarto writes as
-- `crossref: appendix-title`, the letter and `appendix-delim` before the chapter's heading
-- (inside a span when the heading has an id)
local function page_title(meta)
  if not (appendix_page and meta.title) then
    return nil
  end
  local title = meta.title
  if #title == 1 and title[1].t == "Span" and title[1].classes:includes("quarto-section-identifier") then
    title = title[1].content
  end
  local prefix = pandoc.utils.stringify(meta.crossref["appendix-title"] or "Appendix")
  if #title >= 3 and title[1].t == "Str" and title[1].text == prefix and title[2].t == "Space"
      and title[3].t == "Str" then
    local letter, delim = title[3].text:match("^(%u)(%p*)$")
    if letter then
      title[3].text = tostring(letter:byte() - 64) .. delim
      return meta
    end
  end
end

return {
  { Meta = page_kind },
  { Header = header, Inlines = labels, Link = xref },
  { Meta = page_title },
}
