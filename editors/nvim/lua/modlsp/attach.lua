-- What modlsp turns on in a go.mod buffer when its client attaches: code lenses ("Check for
-- upgrades", "Upgrade all (N)" on the first require line) and, when asked for, inlay hints.
-- Run from the LspAttach autocommand of plugin/modlsp.lua, so it works however the package was
-- set up (setup(), plain vim.lsp.enable('modlsp'), nvim-lspconfig). It does not load the
-- modlsp module.
--
-- Options (setup() sets them; without setup(), set them yourself):
--   vim.g.modlsp_codelens      default true: show and refresh code lenses in go.mod buffers
--   vim.g.modlsp_inlay_hints   default false: enable inlay hints in go.mod buffers

local M = {}

local NAME = 'modlsp'
-- When the lenses are asked for again: Neovim 0.11 does not refresh them by itself, and the
-- server cannot ask it to (Neovim 0.11 does not support workspace/codeLens/refresh).
M.codelens_events = { 'BufEnter', 'CursorHold', 'InsertLeave' }

local function option(name, default)
  local value = vim.g[name]
  if value == nil then
    return default
  end
  return value == true or value == 1
end

function M.codelens_enabled()
  return option('modlsp_codelens', true)
end

function M.inlay_hints_enabled()
  return option('modlsp_inlay_hints', false)
end

--- Whether buf is a go.mod (the server gives lenses and inlay hints for go.mod files only).
function M.is_gomod(buf)
  if vim.bo[buf].filetype == 'gomod' then
    return true
  end
  return vim.fs.basename(vim.api.nvim_buf_get_name(buf)) == 'go.mod'
end

local function augroup(buf)
  return ('modlsp.codelens.%d'):format(buf)
end

-- Buffers whose lenses this module refreshes (buffer number -> true).
local refreshing = {}

--- Asks for the lenses of buf again (vim.lsp.codelens.refresh asks every client of the buffer
--- that has lenses, gopls too), while modlsp serves it.
function M.refresh_codelens(buf)
  if not vim.api.nvim_buf_is_loaded(buf) then
    return
  end
  if #vim.lsp.get_clients({ bufnr = buf, name = NAME, method = 'textDocument/codeLens' }) > 0 then
    vim.lsp.codelens.refresh({ bufnr = buf })
  end
end

local function enable_codelens(client, buf)
  local codelens = vim.lsp.codelens
  -- Neovim 0.12+ keeps lenses up to date itself once they are enabled for a buffer.
  if type(codelens.enable) == 'function' then
    if pcall(codelens.enable, true, { bufnr = buf, client_id = client.id }) then
      return
    end
  end
  refreshing[buf] = true
  local group = vim.api.nvim_create_augroup(augroup(buf), { clear = true })
  vim.api.nvim_create_autocmd(M.codelens_events, {
    group = group,
    buffer = buf,
    desc = 'modlsp: refresh the code lenses',
    callback = function(args)
      M.refresh_codelens(args.buf)
    end,
  })
  M.refresh_codelens(buf)
end

--- LspAttach: client attached to buf.
function M.on_attach(client, buf)
  if client.name ~= NAME or not M.is_gomod(buf) then
    return
  end
  if M.codelens_enabled() and client:supports_method('textDocument/codeLens', buf) then
    enable_codelens(client, buf)
  end
  if M.inlay_hints_enabled() and client:supports_method('textDocument/inlayHint', buf) then
    vim.lsp.inlay_hint.enable(true, { bufnr = buf })
  end
end

--- LspDetach: the refresh autocommands go with the last modlsp client of buf.
function M.on_detach(client, buf)
  if client.name ~= NAME then
    return
  end
  for _, other in ipairs(vim.lsp.get_clients({ bufnr = buf, name = NAME })) do
    if other.id ~= client.id then
      return -- another modlsp client (a restart) still serves it
    end
  end
  refreshing[buf] = nil
  pcall(vim.api.nvim_del_augroup_by_name, augroup(buf))
end

--- After a server command that changes what the lenses say (Check for upgrades on buf).
function M.after_command(buf)
  if buf and refreshing[buf] then
    M.refresh_codelens(buf)
  end
end

return M
