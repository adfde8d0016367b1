-- :checkhealth modlsp

local M = {}

local health = vim.health
local TIMEOUT_MS = 10000
local INSTALL_ADVICE = {
  'Install it: pip install modlsp (or pip install . in a modlsp checkout)',
  "Or point the config at it: require('modlsp').setup({ cmd = { '/path/to/modlsp' } })"
    .. " or vim.lsp.config('modlsp', { cmd = { ... } })",
}

--- Runs argv; returns stdout, or nil and why not.
local function run(argv)
  local ok, process = pcall(vim.system, argv, { text = true })
  if not ok then
    return nil, tostring(process)
  end
  local result = process:wait(TIMEOUT_MS)
  if result.code == 124 then
    return nil, ('timed out after %d ms'):format(TIMEOUT_MS)
  end
  if result.code ~= 0 then
    local stderr = vim.trim(result.stderr or '')
    return nil, ('exit status %d%s'):format(result.code, stderr ~= '' and (': ' .. stderr) or '')
  end
  return result.stdout or ''
end

local function with(argv, ...)
  local out = vim.deepcopy(argv)
  vim.list_extend(out, { ... })
  return out
end

local function check_neovim()
  local version = tostring(vim.version())
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. version)
  else
    health.error(
      'Neovim ' .. version .. ': modlsp needs 0.11 or newer (vim.lsp.config, vim.lsp.enable)',
      { 'Upgrade Neovim' }
    )
  end
end

local function check_config()
  local ok, config = pcall(function()
    return vim.lsp.config.modlsp
  end)
  if not ok or type(config) ~= 'table' then
    health.error('no modlsp config (vim.lsp.config.modlsp)', {
      "Add editors/nvim to 'runtimepath' (it has lsp/modlsp.lua) or call require('modlsp').setup()",
    })
    return nil
  end
  local cmd = type(config.cmd) == 'table' and table.concat(config.cmd, ' ') or tostring(config.cmd)
  health.ok('config found: cmd = ' .. cmd)
  health.info('filetypes: ' .. table.concat(config.filetypes or {}, ', '))
  if vim.lsp.is_enabled then
    if vim.lsp.is_enabled('modlsp') then
      health.ok('enabled (vim.lsp.enable)')
    else
      health.info("not enabled: vim.lsp.enable('modlsp') starts it for go.mod, go.work, Go files")
    end
  end
  return config
end

--- The server binary; returns the command to run it with, or nil.
local function check_binary(config)
  local cmd = config.cmd
  if type(cmd) == 'function' then
    health.info('cmd is a function (a custom transport): cannot check the server binary')
    return nil
  end
  if type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' or cmd[1] == '' then
    health.error('cmd is not a list of strings: ' .. vim.inspect(cmd), INSTALL_ADVICE)
    return nil
  end
  local path = vim.fn.exepath(cmd[1])
  if path == '' then
    health.error(('server binary not found: %s'):format(cmd[1]), INSTALL_ADVICE)
    return nil
  end
  health.ok('server binary: ' .. path)
  return cmd
end

local function check_version(cmd)
  local out, why = run(with(cmd, '--version'))
  if out == nil then
    health.error(
      ('%s --version failed: %s'):format(table.concat(cmd, ' '), why),
      { 'Is cmd really modlsp? Reinstall it: pip install modlsp' }
    )
    return false
  end
  local version = vim.trim(out):match('^modlsp%s+(%S+)')
  if version == nil then
    local printed = vim.trim(out)
    health.error(
      ('%s --version printed %q, not "modlsp <version>"'):format(table.concat(cmd, ' '), printed),
      { 'cmd does not run modlsp; fix cmd' }
    )
    return false
  end
  health.ok('server version: ' .. version)
  return true
end

local function check_settings(cmd, config)
  local configured = vim.tbl_get(config, 'settings', 'modlsp') or {}
  local out, why = run(with(cmd, 'settings', '--format', 'json'))
  local reference
  if out ~= nil then
    local ok, decoded = pcall(vim.json.decode, out, { luanil = { object = true, array = true } })
    reference = ok and type(decoded) == 'table' and decoded or nil
    why = why or 'not a JSON list'
  end
  if reference == nil then
    health.warn(
      ('cannot list the server settings (%s settings --format json: %s)'):format(
        table.concat(cmd, ' '),
        why
      ),
      { 'An older modlsp? Upgrade it: pip install --upgrade modlsp' }
    )
    return
  end
  local known = {}
  local names = {}
  for _, setting in ipairs(reference) do
    if type(setting) == 'table' and type(setting.name) == 'string' then
      known[setting.name] = setting
      table.insert(names, setting.name)
    end
  end
  if type(configured) ~= 'table' then
    health.error('settings.modlsp must be a table, not ' .. vim.inspect(configured))
    return
  end
  local keys = vim.tbl_keys(configured)
  table.sort(keys, function(a, b)
    return tostring(a) < tostring(b)
  end)
  local unknown = 0
  for _, key in ipairs(keys) do
    local value = vim.inspect(configured[key], { newline = ' ', indent = '' })
    if known[key] then
      health.ok(('setting %s = %s'):format(key, value))
    else
      unknown = unknown + 1
      health.warn(
        ('unknown setting %s = %s: the server ignores it'):format(tostring(key), value),
        { 'Known settings: ' .. table.concat(names, ', ') }
      )
    end
  end
  if #keys == 0 then
    health.ok('settings: server defaults (' .. table.concat(names, ', ') .. ')')
  elseif unknown == 0 then
    health.ok('settings: all known to the server')
  end
  for _, name in ipairs(names) do
    if configured[name] == nil then
      health.info(
        ('%s = %s (default): %s'):format(
          name,
          vim.inspect(known[name].default, { newline = ' ', indent = '' }),
          known[name].description or ''
        )
      )
    end
  end
end

local function check_go(config)
  local go = vim.tbl_get(config, 'settings', 'modlsp', 'goCommand')
  if type(go) ~= 'string' or go == '' then
    go = 'go'
  end
  local path = vim.fn.exepath(go)
  if path ~= '' then
    health.ok(('go command: %s'):format(path))
  else
    health.warn(
      ('go command not found: %s'):format(go),
      {
        'modlsp then uses its built-in table of GODEBUG settings',
        'Install Go, or set settings.modlsp.goCommand to the go command',
      }
    )
  end
end

local function check_clients()
  local clients = vim.lsp.get_clients({ name = 'modlsp' })
  if #clients == 0 then
    health.info('no active modlsp client (open a go.mod or go.work file)')
    return
  end
  for _, client in ipairs(clients) do
    local info = client.server_info or {}
    local buffers = vim.tbl_count(client.attached_buffers or {})
    health.ok(
      ('client %d: %s %s, root %s, %d buffer%s'):format(
        client.id,
        info.name or 'modlsp',
        info.version or '(version unknown)',
        client.root_dir or '(none)',
        buffers,
        buffers == 1 and '' or 's'
      )
    )
  end
end

local function check_buffers()
  local attach = require('modlsp.attach')
  if attach.codelens_enabled() then
    health.ok('code lenses: on in go.mod buffers ("Check for upgrades", "Upgrade all (N)")')
  else
    health.info('code lenses: off (vim.g.modlsp_codelens = false); :ModlspCheckUpgrades works')
  end
  if attach.inlay_hints_enabled() then
    health.ok('inlay hints: on in go.mod buffers (the versions minimal version selection picks)')
  else
    health.info("inlay hints: off (require('modlsp').setup({ inlay_hints = true }) turns them on)")
  end
end

function M.check()
  health.start('modlsp: Neovim')
  check_neovim()
  health.start('modlsp: config')
  local config = check_config()
  if config == nil then
    return
  end
  health.start('modlsp: server')
  local cmd = check_binary(config)
  if cmd ~= nil and check_version(cmd) then
    check_settings(cmd, config)
  end
  health.start('modlsp: go.mod buffers')
  check_buffers()
  health.start('modlsp: go command')
  check_go(config)
  health.start('modlsp: clients')
  check_clients()
end

return M
