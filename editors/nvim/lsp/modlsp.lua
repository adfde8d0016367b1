-- modlsp: a language server for Go modules (go.mod and go.work).
--
-- The Neovim 0.11+ LSP config. With editors/nvim on 'runtimepath', this is all it takes:
--
--   vim.lsp.enable('modlsp')
--
-- Override any field with vim.lsp.config('modlsp', { ... }); server settings go under
-- settings.modlsp, e.g. vim.lsp.config('modlsp', { settings = { modlsp = { debounceMs = 50 } } }).

-- An empty Lua table is sent as a JSON array ([]); the server wants an object ({}).
local function as_object(value)
  if type(value) == 'table' and next(value) == nil then
    return vim.empty_dict()
  end
  return value
end

---@type vim.lsp.Config
return {
  cmd = { 'modlsp' },
  -- 'go' buffers are attached too: the server ignores them today and serves them later.
  filetypes = { 'gomod', 'gowork', 'go' },
  root_markers = { 'go.work', 'go.mod', '.git' },
  settings = { modlsp = vim.empty_dict() },
  -- The settings are also the initializationOptions, so they apply from the first analysis
  -- (workspace/didChangeConfiguration only arrives after the server has started). An explicit
  -- init_options wins.
  before_init = function(params, config)
    local settings = config.settings
    if type(settings) ~= 'table' then
      return
    end
    -- In place: the client sends this same table with workspace/didChangeConfiguration and
    -- answers workspace/configuration from it.
    settings.modlsp = as_object(settings.modlsp)
    if params.initializationOptions == nil and settings.modlsp ~= nil then
      params.initializationOptions = settings.modlsp
    end
  end,
}
