-- {{< blokk NAME >}}: the generated block _generert/blokker/NAME.md, written by the
-- pre-render step (`rapport generer`). Block names are checked against the chapters
-- before Quarto gets here; this error is the last line of defence.
local function project_dir()
  return (quarto.project and quarto.project.directory) or pandoc.system.get_working_directory()
end

-- Image and file-link paths in blocks are relative to the project root (chapters live in
-- subfolders), and parts marked `.bare-nettside` are for the web page only.
local function fit_to_document(blocks, root)
  local input_dir = pandoc.path.directory(quarto.doc.input_file)
  local prefix = pandoc.path.make_relative(root, input_dir, true)
  local function rebase(path)
    return pandoc.path.normalize(pandoc.path.join({ prefix, path }))
  end
  return blocks:walk({
    Image = function(img)
      img.src = rebase(img.src)
      return img
    end,
    -- Quarto resolves content-visible divs before shortcodes run, so this is done here
    Div = function(div)
      if div.classes:includes("bare-nettside") and not quarto.doc.is_format("html") then
        return {}
      end
    end,
    Link = function(link)
      if not link.target:match("^%a[%w+.-]*:") and not link.target:match("^#") then
        link.target = rebase(link.target)
      end
      return link
    end,
  })
end

return {
  ["blokk"] = function(args)
    local name = pandoc.utils.stringify(args[1] or "")
    if not name:match("^[%w%-]+$") then
      error("blokk: ugyldig blokknavn «" .. name .. "» i " .. quarto.doc.input_file)
    end
    local root = project_dir()
    local path = pandoc.path.join({ root, "_generert", "blokker", name .. ".md" })
    local file = io.open(path, "r")
    if file == nil then
      error("blokk: blokken «" .. name .. "» i " .. quarto.doc.input_file ..
        " finnes ikke. Kjør «rapport sjekk» for å se hvilke blokker som finnes.")
    end
    local text = file:read("a")
    file:close()
    -- The document's reader options, so `default-image-extension` (svg, png) reaches the
    -- figures here as it does in the chapters.
    return fit_to_document(pandoc.read(text, "markdown", PANDOC_READER_OPTIONS).blocks, root)
  end,
}
