-- Scenario: bad setup() options are reported with vim.notify and ignored, never raised;
-- good settings still apply from the first analysis (initializationOptions), and a good
-- option (codelens = false) applies too.
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
        inlay_hints = 'on',
        codelens = false,
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
  -- codelens = false: the package never asks for lenses (nor refreshes them).
  report.codelens_option = vim.g.modlsp_codelens
  report.lenses = vim.lsp.codelens.get(buf)
  local group = 'modlsp.codelens.' .. buf
  report.refresh_group_exists = pcall(vim.api.nvim_get_autocmds, { group = group })
  report.inlay_hints_enabled = vim.lsp.inlay_hint.is_enabled({ bufnr = buf })
end)
