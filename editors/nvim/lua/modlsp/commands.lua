-- The user commands (:ModlspCheckUpgrades, :ModlspBumpMajor, :ModlspRestart); defined in
-- plugin/modlsp.lua, implemented here so nothing loads until one is used.

local modlsp = require('modlsp')

local M = {}

local WARN, ERROR, INFO = vim.log.levels.WARN, vim.log.levels.ERROR, vim.log.levels.INFO

local function clients(filter)
  filter = filter or {}
  filter.name = modlsp.name
  return vim.lsp.get_clients(filter)
end

local function server_version(client)
  local info = client.server_info
  return type(info) == 'table' and type(info.version) == 'string' and info.version
    or 'unknown version'
end

--- Whether the server advertises command id (statically or by registration).
local function supports_command(client, id)
  local provider = (client.server_capabilities or {}).executeCommandProvider
  if type(provider) == 'table' and vim.list_contains(provider.commands or {}, id) then
    return true
  end
  for _, registration in ipairs((client.registrations or {})['workspace/executeCommand'] or {}) do
    local options = registration.registerOptions
    if type(options) == 'table' and vim.list_contains(options.commands or {}, id) then
      return true
    end
  end
  return false
end

local function buffer_path(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  if name == '' or vim.bo[buf].buftype ~= '' then
    return nil
  end
  return vim.fs.normalize(vim.fn.fnamemodify(name, ':p'))
end

--- The go.mod the current buffer belongs to: the buffer itself when it is a go.mod, else the
--- nearest go.mod above the buffer's file, else the one at the client's root.
local function find_gomod(buf, client)
  local path = buffer_path(buf)
  if path and vim.bo[buf].filetype == 'gomod' then
    return path
  end
  if path then
    local dir = vim.fs.root(path, 'go.mod')
    if dir then
      return vim.fs.joinpath(dir, 'go.mod')
    end
  end
  local root = client and client.root_dir
  if root then
    local candidate = vim.fs.joinpath(root, 'go.mod')
    if vim.uv.fs_stat(candidate) then
      return candidate
    end
  end
  return nil
end

--- The modlsp client for buf: attached to it, else the only one running.
local function client_for(buf)
  local attached = clients({ bufnr = buf })
  if #attached > 0 then
    return attached[1]
  end
  local all = clients()
  if #all == 1 then
    return all[1]
  end
  return nil
end

--- Runs a server command on the current buffer's go.mod.
---@param id string command id
---@param title string what users call it
---@param extra? table more fields for the argument object
function M.run_server_command(id, title, extra)
  local buf = vim.api.nvim_get_current_buf()
  local client = client_for(buf)
  if client == nil then
    local why = #clients() == 0
        and 'no modlsp client is running; open a go.mod with modlsp enabled'
          .. ' (see :checkhealth modlsp)'
      or 'no modlsp client is attached to this buffer; run it from a go.mod buffer'
    modlsp.notify(title .. ': ' .. why, WARN)
    return
  end
  if not supports_command(client, id) then
    -- An older server than this package (the command came with a later modlsp).
    vim.notify(
      ('This modlsp server (%s) does not support "%s": upgrade it'
        .. ' (pip install --upgrade modlsp).'):format(server_version(client), title),
      WARN
    )
    return
  end
  local gomod = find_gomod(buf, client)
  if gomod == nil then
    modlsp.notify(('%s: no go.mod found for this buffer'):format(title), WARN)
    return
  end
  local argument = vim.tbl_extend('force', { uri = vim.uri_from_fname(gomod) }, extra or {})
  client:exec_cmd(
    { title = title, command = id, arguments = { argument } },
    { bufnr = buf },
    function(err)
      if err then
        modlsp.notify(('%s failed: %s'):format(title, err.message or vim.inspect(err)), ERROR)
        return
      end
      -- The server says what it found itself (window/showMessage); the go.mod's lenses
      -- ("Upgrade all (N)") may have changed.
      for _, other in ipairs(vim.api.nvim_list_bufs()) do
        if buffer_path(other) == gomod then
          require('modlsp.attach').after_command(other)
        end
      end
    end
  )
end

function M.check_upgrades()
  M.run_server_command(modlsp.commands.check_upgrades, 'Check for Upgrades')
end

---@param major? string the target major version, e.g. "3" or "v3"
function M.bump_major(major)
  local extra = nil
  if major ~= nil and major ~= '' then
    local n = tonumber((major:gsub('^[vV]', '')))
    if n == nil or n < 2 or n ~= math.floor(n) then
      local why = 'is not a major version (a whole number from 2 up, e.g. 3 or v3)'
      modlsp.notify(('Bump Module Major Version: %q %s'):format(major, why), ERROR)
      return
    end
    extra = { major = n }
  end
  M.run_server_command(modlsp.commands.bump_major, 'Bump Module Major Version', extra)
end

-- The config a restarted client starts with: the current one (so :ModlspRestart picks up
-- vim.lsp.config changes), rooted where the old client was.
local function restart_config(old)
  local ok, current = pcall(function()
    return vim.lsp.config[modlsp.name]
  end)
  local config = vim.deepcopy(ok and type(current) == 'table' and current or old.config)
  config.name = modlsp.name
  if type(config.root_dir) ~= 'string' then
    config.root_dir = old.config.root_dir
  end
  config.workspace_folders = old.config.workspace_folders
  return config
end

--- Stops every modlsp client and starts a new one for the buffers each had.
function M.restart()
  local old_clients = clients()
  if #old_clients == 0 then
    -- Nothing running (never started, or the server died): start it where it applies.
    local started = 0
    if vim.lsp.is_enabled == nil or vim.lsp.is_enabled(modlsp.name) then
      local config = vim.lsp.config[modlsp.name]
      for _, buf in ipairs(vim.api.nvim_list_bufs()) do
        if
          config
          and vim.api.nvim_buf_is_loaded(buf)
          and vim.bo[buf].buftype == ''
          and vim.list_contains(config.filetypes or {}, vim.bo[buf].filetype)
        then
          local copy = vim.deepcopy(config)
          if type(copy.root_dir) ~= 'string' then
            copy.root_dir = vim.fs.root(buf, copy.root_markers or {})
          end
          if vim.lsp.start(copy, { bufnr = buf }) then
            started = started + 1
          end
        end
      end
    end
    if started == 0 then
      modlsp.notify('no modlsp client is running and no buffer to start one for', WARN)
    end
    return
  end
  for _, old in ipairs(old_clients) do
    local buffers = vim.tbl_keys(old.attached_buffers)
    table.sort(buffers)
    local config = restart_config(old)
    old:stop()
    -- A server that ignores shutdown is killed.
    vim.defer_fn(function()
      if not old.rpc.is_closing() then
        old:stop(true)
      end
    end, 3000)
    -- A stopping client is never reused, so this starts a new one.
    for _, buf in ipairs(buffers) do
      if vim.api.nvim_buf_is_valid(buf) then
        vim.lsp.start(config, { bufnr = buf })
      end
    end
  end
  local n = #old_clients
  modlsp.notify(('restarted (%d client%s)'):format(n, n == 1 and '' or 's'), INFO)
end

return M
