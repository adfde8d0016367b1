-- Shared by the Neovim end-to-end scripts (tests/editors/test_neovim.py runs them as init.lua).
--
-- A script configures modlsp at load time, then calls H.run(steps). The steps run once Neovim
-- has started (outside any autocommand, so :edit fires FileType and LSP attaches), fill in a
-- report table, and whatever happens the report is written as JSON to $MODLSP_TEST_REPORT and
-- Neovim quits: an error in a headless init would otherwise leave it waiting forever.

local H = {}

local env = vim.env
H.report_path = assert(env.MODLSP_TEST_REPORT, 'MODLSP_TEST_REPORT is not set')
H.plugin = env.MODLSP_TEST_PLUGIN -- editors/nvim
H.project = env.MODLSP_TEST_PROJECT -- a directory with go.mod, main.go, notes.txt
H.cmd = { env.MODLSP_TEST_PYTHON, '-m', 'modlsp' } -- the server, on the test's interpreter

H.report = { notifications = {}, show_messages = {}, publishes = {}, ui_select = {} }

function H.path(name)
  return H.project .. '/' .. name
end

-- Everything the user would see, recorded instead of shown.
vim.notify = function(message, level)
  table.insert(H.report.notifications, { message = tostring(message), level = level or vim.NIL })
end

-- A prompt would block a headless Neovim: record it and choose nothing.
vim.ui.select = function(items, opts, on_choice)
  local titles = {}
  for _, item in ipairs(items) do
    local format = opts and opts.format_item
    table.insert(titles, format and format(item) or vim.inspect(item))
  end
  table.insert(H.report.ui_select, { prompt = opts and opts.prompt or vim.NIL, items = titles })
  on_choice(nil, nil)
end

local show_message = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, result, ctx, config)
  table.insert(H.report.show_messages, { type = result.type, message = result.message })
  return show_message(err, result, ctx, config)
end

local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  local codes = {}
  for _, d in ipairs(result.diagnostics or {}) do
    table.insert(codes, d.code or vim.NIL)
  end
  local name = vim.fs.basename(vim.uri_to_fname(result.uri))
  table.insert(H.report.publishes, { file = name, client_id = ctx.client_id, codes = codes })
  return publish(err, result, ctx, config)
end

--- Waits for cond (polling every 10 ms); raises with what was awaited on a timeout.
function H.wait(ms, cond, what)
  if not vim.wait(ms, cond, 10) then
    error(('timed out after %d ms waiting for %s'):format(ms, what), 2)
  end
end

--- The diagnostics of buf (optionally one client's) as plain data, in line order.
function H.diagnostics(buf, client_id)
  local opts = nil
  if client_id then
    opts = { namespace = vim.lsp.diagnostic.get_namespace(client_id) }
  end
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf, opts)) do
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
      code = d.code,
      source = d.source,
    })
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return out
end

function H.client(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = 'modlsp' })[1]
end

--- Opens file in the current window and waits until modlsp has published n diagnostics for it.
function H.open(name, n)
  vim.cmd.edit(vim.fn.fnameescape(H.path(name)))
  local buf = vim.api.nvim_get_current_buf()
  if n then
    H.wait(10000, function()
      return #vim.diagnostic.get(buf) >= n
    end, ('%d diagnostics in %s'):format(n, name))
  end
  return buf
end

--- Runs :command and returns what it notified.
function H.command(command)
  local before = #H.report.notifications
  vim.cmd(command)
  return vim.list_slice(H.report.notifications, before + 1)
end

--- The initializationOptions the client's config sends, as JSON (what the server receives).
function H.init_options_json(client)
  local config = vim.deepcopy(client.config)
  local params = { initializationOptions = config.init_options }
  if config.before_init then
    config.before_init(params, config)
  end
  return vim.json.encode(params.initializationOptions)
end

--- Records each workspace/executeCommand the client sends, as `entry_of(params)` plus the
--- server's `error` and `result`, in `list` (in the order sent).
function H.record_commands(client, list, entry_of)
  local request = client.request
  client.request = function(self, method, params, handler, ...)
    if method == 'workspace/executeCommand' then
      local entry = entry_of(params)
      table.insert(list, entry)
      local inner = handler
      handler = function(err, result, ...)
        entry.error = err and err.message or vim.NIL
        entry.result = result == nil and vim.NIL or result
        if inner then
          return inner(err, result, ...)
        end
      end
    end
    return request(self, method, params, handler, ...)
  end
end

function H.lines(buf)
  return vim.api.nvim_buf_get_lines(buf or 0, 0, -1, false)
end

local function write_report()
  local ok, encoded = pcall(vim.json.encode, H.report)
  if not ok then
    encoded = vim.json.encode({ error = 'cannot encode the report: ' .. tostring(encoded) })
  end
  local file = assert(io.open(H.report_path, 'w'))
  file:write(encoded)
  file:close()
end

--- Runs steps(report) after startup, records an error if it raises, writes the report, quits.
function H.run(steps)
  vim.api.nvim_create_autocmd('VimEnter', {
    once = true,
    callback = function()
      vim.schedule(function()
        local ok, err = xpcall(steps, debug.traceback, H.report)
        if not ok then
          H.report.error = tostring(err)
        end
        pcall(write_report)
        vim.cmd('qa!')
      end)
    end,
  })
end

--- For errors at load time (in the script's configuration part).
function H.guard(fn)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    H.report.error = 'while configuring: ' .. tostring(err)
    pcall(write_report)
    vim.cmd('qa!')
  end
end

return H
