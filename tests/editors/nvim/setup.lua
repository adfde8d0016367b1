-- Scenario: require('modlsp').setup{...}; diagnostics, then a quick fix applied.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd })
end)

H.run(function(report)
  local buf = H.open('go.mod', 2)
  report.filetype = vim.bo[buf].filetype
  report.diagnostics = H.diagnostics(buf)
  local client = H.client(buf)
  report.server_info = client.server_info
  report.root_dir = client.root_dir
  report.init_options = H.init_options_json(client)

  vim.api.nvim_win_set_cursor(0, { 5, 0 })
  local tick = vim.b[buf].changedtick
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == "Change to 'require'"
    end,
  })
  H.wait(5000, function()
    return vim.b[buf].changedtick ~= tick
  end, 'the quick fix to change the buffer')
  report.lines_after_fix = H.lines(buf)
  H.wait(5000, function()
    return #vim.diagnostic.get(buf) == 1
  end, 'the diagnostics to drop to one')
  report.diagnostics_after_fix = H.diagnostics(buf)
end)
