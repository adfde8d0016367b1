-- Scenario: the code lenses of a go.mod appear by themselves (setup() with the defaults), and
-- running "Check for upgrades" with vim.lsp.codelens.run() executes the server's command; the
-- user sees the server's one message. Then :ModlspCheckUpgrades does the same from main.go.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd })
end)

--- The lenses of buf as plain data, in line order.
local function lenses(buf)
  local out = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    table.insert(out, {
      line = lens.range.start.line,
      title = lens.command and lens.command.title or vim.NIL,
      command = lens.command and lens.command.command or vim.NIL,
      arguments = lens.command and lens.command.arguments or vim.NIL,
    })
  end
  table.sort(out, function(a, b)
    return a.line < b.line or (a.line == b.line and tostring(a.title) < tostring(b.title))
  end)
  return out
end

local function titles(buf)
  return vim.tbl_map(function(lens)
    return lens.title
  end, lenses(buf))
end

--- What the user sees of the lenses: the virtual text modlsp's lenses put on each line.
local function virtual_text(buf, client)
  local ns = vim.lsp.codelens.__namespaces[client.id]
  local out = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local text = {}
    for _, chunk in ipairs(mark[4].virt_text or {}) do
      table.insert(text, chunk[1])
    end
    table.insert(out, { line = mark[2], text = table.concat(text) })
  end
  return out
end

local function autocmd_events(buf)
  local events = {}
  local ok, found = pcall(vim.api.nvim_get_autocmds, { group = 'modlsp.codelens.' .. buf })
  for _, autocmd in ipairs(ok and found or {}) do
    table.insert(events, autocmd.event)
  end
  table.sort(events)
  return events
end

--- Waits for one more window/showMessage; returns what was notified since `before`.
local function message_after(before_messages, before_notifications, what)
  H.wait(15000, function()
    return #H.report.show_messages > before_messages
  end, what)
  return vim.list_slice(H.report.notifications, before_notifications + 1)
end

H.run(function(report)
  local buf = H.open('go.mod')
  local client
  H.wait(10000, function()
    client = H.client(buf)
    return client ~= nil and client.initialized == true
  end, 'modlsp to attach to go.mod')
  report.server_code_lens_provider = client.server_capabilities.codeLensProvider ~= nil

  -- Nothing asks for the lenses but the package (LspAttach, then BufEnter/CursorHold/...).
  H.wait(10000, function()
    return vim.list_contains(titles(buf), 'Check for upgrades')
  end, 'the "Check for upgrades" lens in vim.lsp.codelens.get()')
  report.lenses = lenses(buf)
  H.wait(5000, function()
    return #virtual_text(buf, client) > 0
  end, 'the lens to be shown as virtual text')
  report.virtual_text = virtual_text(buf, client)
  report.refresh_events = autocmd_events(buf)
  report.inlay_hints_enabled = vim.lsp.inlay_hint.is_enabled({ bufnr = buf })

  -- What the server is asked, and what it answers.
  report.requests = {}
  H.record_commands(client, report.requests, function(params)
    return { params = params }
  end)

  -- Run the lens on its line, as a user would (one lens there: it runs without a prompt).
  local lens_line = report.lenses[1].line
  vim.api.nvim_win_set_cursor(0, { lens_line + 1, 0 })
  local messages, notifications = #report.show_messages, #report.notifications
  vim.lsp.codelens.run()
  report.lens_run = message_after(messages, notifications, "the server's message after the lens")
  H.wait(5000, function()
    return #report.requests == 1 and report.requests[1].result ~= nil
  end, 'the answer to workspace/executeCommand')
  -- After running a lens Neovim asks for the lenses again.
  H.wait(5000, function()
    return vim.list_contains(titles(buf), 'Check for upgrades')
  end, 'the lenses after running one')
  report.lenses_after = lenses(buf)

  -- :ModlspCheckUpgrades from a Go file of the module runs the same command on its go.mod.
  local go = H.open('main.go')
  H.wait(10000, function()
    return H.client(go) ~= nil
  end, 'modlsp to attach to main.go')
  report.go_refresh_events = autocmd_events(go)
  messages, notifications = #report.show_messages, #report.notifications
  vim.cmd('ModlspCheckUpgrades')
  report.command_run =
    message_after(messages, notifications, "the server's message after the command")
  H.wait(5000, function()
    return #report.requests == 2 and report.requests[2].result ~= nil
  end, 'the answer to the second workspace/executeCommand')
  client.request = nil -- the class method again
end)
