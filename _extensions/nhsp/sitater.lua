-- Quotation marks as bokmål sets them: «…» outside, ‘…’ inside (Språkrådet). Pandoc reads the
-- writers' "…" and '…' as quotations (the smart extension) and would print “…” and ‘…’.
local function quote(el, depth)
  local content = el.content:walk({
    traverse = "topdown",
    Quoted = function(inner) return quote(inner, depth + 1), false end,
  })
  local open, close = "«", "»"
  if depth > 0 then open, close = "‘", "’" end
  local out = pandoc.Inlines({ pandoc.Str(open) })
  out:extend(content)
  out:insert(pandoc.Str(close))
  return out
end

return {
  {
    traverse = "topdown",
    Quoted = function(el) return quote(el, 0), false end,
  },
}
