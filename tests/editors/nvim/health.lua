-- Scenario: :checkhealth modlsp on a healthy setup, an unknown setting, a missing binary.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd, settings = { debounceMs = 30 } })
end)

local function checkhealth()
  vim.cmd('checkhealth modlsp')
  local lines = H.lines(0)
  vim.cmd('tabclose')
  return lines
end

H.run(function(report)
  H.open('go.mod', 2)
  report.healthy = checkhealth()

  vim.lsp.config('modlsp', { settings = { modlsp = { noSuchSetting = true } } })
  report.unknown_setting = checkhealth()

  vim.lsp.config('modlsp', { cmd = { H.path('no-such-modlsp') } })
  report.missing_binary = checkhealth()
end)
