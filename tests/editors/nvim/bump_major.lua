-- Scenario: :ModlspBumpMajor moves a small module (go.mod, main.go -> greet -> words) to its
-- next major version. The server sends one workspace/applyEdit, which Neovim applies itself:
-- to the open buffers (go.mod, greet/greet.go) and to the files it loads for it (main.go).
-- Then :wall writes them; :ModlspBumpMajor 2 is refused (already at v2); :ModlspBumpMajor v4
-- moves it again, and `undo` in each changed buffer takes that back.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd })
end)

local FILES = { 'go.mod', 'main.go', 'greet/greet.go', 'words/words.go' }

--- Each file's buffer text (nil: no buffer) and whether it is modified.
local function buffers()
  local out = {}
  for _, name in ipairs(FILES) do
    local buf = vim.fn.bufnr(H.path(name))
    if buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) then
      out[name] = { lines = H.lines(buf), modified = vim.bo[buf].modified }
    end
  end
  return out
end

local function disk()
  local out = {}
  for _, name in ipairs(FILES) do
    out[name] = table.concat(vim.fn.readfile(H.path(name)), '\n') .. '\n'
  end
  return out
end

H.run(function(report)
  report.progress = {}
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(ev)
      local value = ev.data.params.value
      table.insert(report.progress, { kind = value.kind, title = value.title or vim.NIL })
    end,
  })

  local gomod = H.open('go.mod')
  H.wait(10000, function()
    local client = H.client(gomod)
    return client ~= nil and client.initialized == true
  end, 'modlsp to attach to go.mod')
  local greet = H.open('greet/greet.go')
  H.wait(10000, function()
    return H.client(greet) ~= nil
  end, 'modlsp to attach to greet/greet.go')
  vim.cmd.buffer(gomod)

  -- What the server is asked, and what it answers.
  local client = H.client(gomod)
  report.requests = {}
  H.record_commands(client, report.requests, function(params)
    return { command = params.command, arguments = params.arguments }
  end)
  --- Runs :command and waits for the server's answer; returns what it notified.
  local function answered(command)
    local before = #report.requests
    local notified = #report.notifications
    vim.cmd(command)
    H.wait(20000, function()
      local entry = report.requests[before + 1]
      return entry ~= nil and entry.error ~= nil
    end, 'the answer to ' .. command)
    return vim.list_slice(report.notifications, notified + 1)
  end

  report.before = disk()
  report.bump = answered('ModlspBumpMajor')
  -- Changes a script makes in one go share an undo block in each buffer; a user's next
  -- command would start new ones. Setting 'undolevels' to itself ends the current buffer's
  -- block (:help undo-blocks).
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    vim.api.nvim_buf_call(buf, function()
      vim.cmd('let &g:undolevels = &g:undolevels')
    end)
  end
  report.buffers_v2 = buffers()
  vim.cmd('silent wall')
  report.disk_v2 = disk()

  report.bump_2 = answered('ModlspBumpMajor 2')
  report.buffers_after_refusal = buffers()

  report.bump_v4 = answered('ModlspBumpMajor v4')
  report.buffers_v4 = buffers()
  -- Undo is per buffer in Neovim: once in each buffer the edit changed.
  for name, state in pairs(report.buffers_v4) do
    if state.modified then
      vim.api.nvim_buf_call(vim.fn.bufnr(H.path(name)), function()
        vim.cmd('silent undo')
      end)
    end
  end
  report.buffers_after_undo = buffers()
  report.disk_at_end = disk()

  -- The same move as a code action on the module line (what `gra` lists there).
  vim.cmd.buffer(gomod)
  local params = vim.lsp.util.make_range_params(0, H.client(gomod).offset_encoding)
  params.range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } }
  params.context = { diagnostics = {}, only = { 'refactor' } }
  local answers = vim.lsp.buf_request_sync(gomod, 'textDocument/codeAction', params, 10000)
  report.module_line_actions = {}
  for _, answer in pairs(answers or {}) do
    for _, action in ipairs(answer.result or {}) do
      table.insert(report.module_line_actions, {
        title = action.title,
        kind = action.kind or vim.NIL,
        command = action.command and action.command.command or vim.NIL,
        arguments = action.command and action.command.arguments or vim.NIL,
      })
    end
  end
end)
