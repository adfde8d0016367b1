-- Scenario: :ModlspCheckUpgrades, :ModlspBumpMajor's refusals (a bad argument, a server that
-- does not advertise the command) and :ModlspRestart.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd })
end)

H.run(function(report)
  report.before_any_client = H.command('ModlspCheckUpgrades')

  local buf = H.open('go.mod', 2)
  local old = H.client(buf)
  -- What the server is asked, and what it answers.
  report.requests = {}
  H.record_commands(old, report.requests, function(params)
    return { command = params.command, arguments = params.arguments }
  end)
  --- Runs :command and waits until `done(before)` (counts of messages and notifications).
  local function answered(command, done, what)
    local before = { messages = #report.show_messages, notifications = #report.notifications }
    vim.cmd(command)
    H.wait(15000, function()
      return done(before)
    end, what .. ' to ' .. command)
    return vim.list_slice(report.notifications, before.notifications + 1)
  end

  -- The server runs Check for Upgrades and says what it found in one message.
  report.check_upgrades = answered('ModlspCheckUpgrades', function(before)
    return #report.show_messages > before.messages
  end, "the server's message")
  -- A bad argument is refused before anything is sent (the real moves are in bump_major.lua).
  report.bump_major_bad = H.command('ModlspBumpMajor seven')

  -- A server that does not advertise bumpMajor (modlsp before it had one) is not asked: the
  -- user is told to upgrade it, also when the command runs from a Go file.
  local provider = old.server_capabilities.executeCommandProvider
  local advertised = vim.deepcopy(provider.commands)
  report.advertised_commands = advertised
  provider.commands = vim.tbl_filter(function(id)
    return id ~= 'modlsp.server.bumpMajor'
  end, vim.deepcopy(advertised))
  local go = H.open('main.go')
  H.wait(10000, function()
    return H.client(go) ~= nil
  end, 'modlsp to attach to main.go')
  report.bump_major_unadvertised = H.command('ModlspBumpMajor v3')
  vim.cmd.buffer(buf)
  old.request = nil -- the class method again
  provider.commands = advertised

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
