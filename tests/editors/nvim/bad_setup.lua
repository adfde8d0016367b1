-- Scenario: bad setup() options are reported with vim.notify and ignored, never raised;
-- good settings still apply from the first analysis (initializationOptions).
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  vim.lsp.config('modlsp', { cmd = H.cmd })
  local modlsp = require('modlsp')
  H.report.setup_results = {
    { pcall(modlsp.setup, 'gomod') },
    {
      pcall(modlsp.setup, {
        cmd = 'modlsp --stdio',
        filetypes = 'gomod',
        colour = 'blue',
        settings = { disabledCodes = { 'noncanonical-version' } },
      }),
    },
  }
  H.report.setup_notifications = vim.deepcopy(H.report.notifications)
end)

H.run(function(report)
  local buf = H.open('go.mod', 1)
  report.diagnostics = H.diagnostics(buf)
  report.cmd = H.client(buf).config.cmd
  report.init_options = H.init_options_json(H.client(buf))
  report.filetypes = H.client(buf).config.filetypes
end)
