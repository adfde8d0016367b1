-- require('modlsp').setup(opts): configure and enable modlsp in one call.
--
-- Optional: with editors/nvim on 'runtimepath', vim.lsp.enable('modlsp') alone works (the
-- config is lsp/modlsp.lua). setup() adds checked options on top of that config.

local M = {}

M.name = 'modlsp'

-- The server's command ids (workspace/executeCommand).
M.commands = {
  check_upgrades = 'modlsp.server.checkUpgrades',
  bump_major = 'modlsp.server.bumpMajor',
}

local function notify(message, level)
  vim.notify('modlsp: ' .. message, level or vim.log.levels.WARN)
end
M.notify = notify

local function is_string_list(value, allow_empty)
  if type(value) ~= 'table' or not vim.islist(value) then
    return false
  end
  if #value == 0 and not allow_empty then
    return false
  end
  for _, item in ipairs(value) do
    if type(item) ~= 'string' or item == '' then
      return false
    end
  end
  return true
end

-- Each option: a check and the words for a bad value.
local OPTIONS = {
  cmd = {
    check = function(v)
      return is_string_list(v, false) or type(v) == 'function'
    end,
    expected = 'a non-empty list of strings, e.g. '
      .. "{ 'modlsp' } or { '/path/to/python', '-m', 'modlsp' }",
  },
  settings = {
    check = function(v)
      return type(v) == 'table' and (next(v) == nil or not vim.islist(v))
    end,
    expected = 'a table of server settings, e.g. { debounceMs = 50 }',
  },
  filetypes = {
    check = function(v)
      return is_string_list(v, false)
    end,
    expected = "a non-empty list of filetypes, e.g. { 'gomod', 'gowork', 'go' }",
  },
  root_markers = {
    check = function(v)
      return type(v) == 'table' and vim.islist(v) and #v > 0
    end,
    expected = "a non-empty list of file names, e.g. { 'go.work', 'go.mod', '.git' }",
  },
  enable = {
    check = function(v)
      return type(v) == 'boolean'
    end,
    expected = 'true or false',
  },
  codelens = {
    check = function(v)
      return type(v) == 'boolean'
    end,
    expected = 'true or false',
  },
  inlay_hints = {
    check = function(v)
      return type(v) == 'boolean'
    end,
    expected = 'true or false',
  },
}

local function known_options()
  local names = vim.tbl_keys(OPTIONS)
  table.sort(names)
  return table.concat(names, ', ')
end

--- Checks opts; returns the valid options and a complaint per ignored one.
---@param opts any
---@return table valid, string[] complaints
function M.validate(opts)
  local complaints = {}
  if opts == nil then
    return {}, complaints
  end
  if type(opts) ~= 'table' then
    table.insert(
      complaints,
      ('setup() takes a table of options, not a %s; using the defaults'):format(type(opts))
    )
    return {}, complaints
  end
  local valid = {}
  local keys = vim.tbl_keys(opts)
  table.sort(keys, function(a, b)
    return tostring(a) < tostring(b)
  end)
  for _, key in ipairs(keys) do
    local value = opts[key]
    local spec = OPTIONS[key]
    if spec == nil then
      table.insert(
        complaints,
        ('unknown setup() option %s ignored (options: %s; server settings go under settings)')
          :format(vim.inspect(key), known_options())
      )
    elseif not spec.check(value) then
      table.insert(
        complaints,
        ('setup() option %s must be %s, not %s; ignored'):format(
          key,
          spec.expected,
          vim.inspect(value)
        )
      )
    else
      valid[key] = value
    end
  end
  return valid, complaints
end

---@class modlsp.Opts
---@field cmd? string[]|function how to start the server (default { 'modlsp' })
---@field settings? table server settings, sent as settings.modlsp
---@field filetypes? string[] default { 'gomod', 'gowork', 'go' }
---@field root_markers? table default { 'go.work', 'go.mod', '.git' }
---@field enable? boolean false: configure only (default true)
---@field codelens? boolean code lenses in go.mod buffers (default true; vim.g.modlsp_codelens)
---@field inlay_hints? boolean inlay hints in go.mod buffers (default false)

--- Configures modlsp (vim.lsp.config) and enables it (vim.lsp.enable) unless enable = false.
--- Bad options are reported with vim.notify and ignored; setup() never raises.
---@param opts? modlsp.Opts
function M.setup(opts)
  local ok, err = pcall(function()
    if vim.fn.has('nvim-0.11') ~= 1 then
      notify('needs Neovim 0.11 or newer (vim.lsp.config); not set up', vim.log.levels.ERROR)
      return
    end
    local valid, complaints = M.validate(opts)
    for _, complaint in ipairs(complaints) do
      notify(complaint, vim.log.levels.WARN)
    end
    local config = {}
    config.cmd = valid.cmd
    config.filetypes = valid.filetypes
    config.root_markers = valid.root_markers
    if valid.settings ~= nil then
      config.settings = { modlsp = valid.settings }
    end
    -- Read when a client attaches (lua/modlsp/attach.lua), also without setup().
    if valid.codelens ~= nil then
      vim.g.modlsp_codelens = valid.codelens
    end
    if valid.inlay_hints ~= nil then
      vim.g.modlsp_inlay_hints = valid.inlay_hints
    end
    if next(config) ~= nil then
      vim.lsp.config(M.name, config)
    end
    if valid.enable ~= false then
      vim.lsp.enable(M.name)
    end
  end)
  if not ok then
    notify('setup failed: ' .. tostring(err), vim.log.levels.ERROR)
  end
end

return M
