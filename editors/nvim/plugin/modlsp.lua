-- modlsp's user commands. Defined here (not by setup()) so they exist for every way of
-- installing: setup(), plain vim.lsp.enable('modlsp'), nvim-lspconfig. The work is done in
-- lua/modlsp/commands.lua, loaded on first use.

if vim.g.loaded_modlsp then
  return
end
vim.g.loaded_modlsp = true

local function commands()
  return require('modlsp.commands')
end

vim.api.nvim_create_user_command('ModlspCheckUpgrades', function()
  commands().check_upgrades()
end, { desc = 'modlsp: check the current go.mod for upgrades' })

vim.api.nvim_create_user_command('ModlspBumpMajor', function(args)
  commands().bump_major(args.args)
end, {
  nargs = '?',
  desc = 'modlsp: bump the module path to the next (or the given) major version',
})

vim.api.nvim_create_user_command('ModlspRestart', function()
  commands().restart()
end, { desc = 'modlsp: restart the modlsp language server(s)' })
