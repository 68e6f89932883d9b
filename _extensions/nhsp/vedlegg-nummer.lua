-- Vedlegg 1 … Vedlegg 7 (1 of 2, before Quarto's filters). Quarto letters the chapters under
-- `book: appendices:` (A, B, …) and has no setting for numbers. In HTML each appendix is its
-- own page, rendered with `crossref: chapters-alpha: true`: with it off, Quarto numbers that
-- page's sections, tables and figures 2.1, and writes 2.1 into the cross-reference index it
-- resolves the other pages' references from. vedlegg.lua does the rest.
return {
  Meta = function(meta)
    local crossref = meta.crossref
    if crossref and crossref["chapters-appendix"] == true then
      crossref["chapters-alpha"] = false
      return meta
    end
  end,
}
