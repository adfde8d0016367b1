-- modlsp's user commands, and what a go.mod buffer gets when modlsp attaches (code lenses,
-- optionally inlay hints). Defined here (not by setup()) so they exist for every way of
-- installing: setup(), plain vim.lsp.enable('modlsp'), nvim-lspconfig. The work is done in
-- lua/modlsp/commands.lua and lua/modlsp/attach.lua, loaded on first use.

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

local group = vim.api.nvim_create_augroup('modlsp', { clear = true })

vim.api.nvim_create_autocmd('LspAttach', {
  group = group,
  desc = 'modlsp: code lenses (and inlay hints if enabled) in go.mod buffers',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'modlsp' then
      require('modlsp.attach').on_attach(client, args.buf)
    end
  end,
})

vim.api.nvim_create_autocmd('LspDetach', {
  group = group,
  desc = 'modlsp: stop refreshing the code lenses',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'modlsp' then
      require('modlsp.attach').on_detach(client, args.buf)
    end
  end,
})
