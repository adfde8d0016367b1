-- Scenario: :ModlspCheckUpgrades, :ModlspBumpMajor and :ModlspRestart.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd })
end)

H.run(function(report)
  report.before_any_client = H.command('ModlspCheckUpgrades')

  local buf = H.open('go.mod', 2)
  local old = H.client(buf)
  report.check_upgrades = H.command('ModlspCheckUpgrades')
  report.bump_major = H.command('ModlspBumpMajor')
  report.bump_major_3 = H.command('ModlspBumpMajor 3')
  report.bump_major_bad = H.command('ModlspBumpMajor seven')

  -- A server that advertises the commands (as later modlsp versions will) gets
  -- workspace/executeCommand with the go.mod's URI, also when run from a Go file; this one
  -- answers with an error, which is reported.
  old.server_capabilities.executeCommandProvider = {
    commands = { 'modlsp.server.checkUpgrades', 'modlsp.server.bumpMajor' },
  }
  report.requests = {}
  local request = old.request
  old.request = function(self, method, params, ...)
    if method == 'workspace/executeCommand' then
      table.insert(report.requests, params)
    end
    return request(self, method, params, ...)
  end
  local function executed(command)
    local before = #report.notifications
    vim.cmd(command)
    H.wait(5000, function()
      return #report.notifications > before
    end, 'the answer to ' .. command)
    return vim.list_slice(report.notifications, before + 1)
  end
  report.check_upgrades_advertised = executed('ModlspCheckUpgrades')
  local go = H.open('main.go')
  H.wait(10000, function()
    return H.client(go) ~= nil
  end, 'modlsp to attach to main.go')
  report.bump_major_advertised = executed('ModlspBumpMajor v3')
  vim.cmd.buffer(buf)
  old.request = nil -- the class method again
  old.server_capabilities.executeCommandProvider = nil

  report.restart = H.command('ModlspRestart')
  H.wait(10000, function()
    local new = H.client(buf)
    return new ~= nil and new.id ~= old.id and new.initialized == true
  end, 'a new modlsp client attached to go.mod')
  local new = H.client(buf)
  H.wait(10000, function()
    return #H.diagnostics(buf, new.id) == 2
  end, "the new client's diagnostics")
  H.wait(10000, function()
    return vim.lsp.get_client_by_id(old.id) == nil
  end, 'the old client to exit')
  report.restarted = {
    old_id = old.id,
    new_id = new.id,
    clients = #vim.lsp.get_clients({ name = 'modlsp' }),
    buffers = vim.tbl_count(new.attached_buffers),
    diagnostics = H.diagnostics(buf),
  }
end)
