-- briefgen's Pandoc filter: maps the layout's classes to each output format.
-- It runs after --citeproc, so the bibliography (#refs) is already filled in.

local function typst(text)
  return pandoc.RawBlock('typst', text)
end

local function wrap_typst(el, fn)
  local blocks = { typst('#' .. fn .. '[') }
  for _, b in ipairs(el.content) do table.insert(blocks, b) end
  table.insert(blocks, typst(']'))
  return blocks
end

local typst_boxes = {
  ['summary'] = 'summary-box',
  ['recommendations'] = 'recommendations-box',
  ['evidence-appendix'] = 'evidence-appendix',
  ['evidence-item'] = 'evidence-item',
}

local docx_styles = {
  ['summary'] = 'Summary Box',
}

-- A brief that cites nothing gets no empty "References" section.
local refs_empty = false

local function drop_empty_refs(el)
  if el.identifier == 'refs' and #el.content == 0 then
    refs_empty = true
    return {}
  end
  return nil
end

function Pandoc(doc)
  if not refs_empty then return nil end
  local kept = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    if not (b.t == 'Header' and b.identifier == 'references') then kept:insert(b) end
  end
  doc.blocks = kept
  return doc
end

function Div(el)
  local dropped = drop_empty_refs(el)
  if dropped then return dropped end
  if FORMAT == 'typst' then
    if el.identifier == 'refs' then
      return wrap_typst(el, 'references-list')
    end
    for class, fn in pairs(typst_boxes) do
      if el.classes:includes(class) then
        return wrap_typst(el, fn)
      end
    end
  elseif FORMAT == 'docx' then
    for class, style in pairs(docx_styles) do
      if el.classes:includes(class) then
        el.attributes['custom-style'] = style
        return el
      end
    end
  end
  return nil
end

-- The evidence appendix starts on a new page.
function Header(el)
  if el.identifier ~= 'evidence-appendix' then return nil end
  if FORMAT == 'typst' then
    return { typst('#pagebreak(weak: true)'), el }
  elseif FORMAT == 'docx' then
    return { pandoc.RawBlock('openxml', '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'), el }
  end
  return nil
end

function Span(el)
  if FORMAT == 'typst' and el.classes:includes('status') then
    local status = 'unchecked'
    for _, class in ipairs(el.classes) do
      local s = class:match('^status%-(.+)$')
      if s then status = s end
    end
    local out = { pandoc.RawInline('typst', '#status-tag("' .. status .. '")[') }
    for _, i in ipairs(el.content) do table.insert(out, i) end
    table.insert(out, pandoc.RawInline('typst', ']'))
    return out
  end
  if FORMAT == 'typst' and el.classes:includes('finding-id') then
    local out = { pandoc.RawInline('typst', '#finding-id[') }
    for _, i in ipairs(el.content) do table.insert(out, i) end
    table.insert(out, pandoc.RawInline('typst', ']'))
    return out
  end
  return nil
end

