-- Scenario: no setup(): editors/nvim on 'runtimepath', vim.lsp.config + vim.lsp.enable.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  vim.lsp.config('modlsp', { cmd = H.cmd })
  vim.lsp.enable('modlsp')
end)

H.run(function(report)
  report.setup_loaded = package.loaded['modlsp'] ~= nil
  report.commands = {}
  for _, name in ipairs({ 'ModlspCheckUpgrades', 'ModlspBumpMajor', 'ModlspRestart' }) do
    report.commands[name] = vim.fn.exists(':' .. name) == 2
  end

  local mod = H.open('go.mod', 2)
  report.gomod = { filetype = vim.bo[mod].filetype, diagnostics = H.diagnostics(mod) }
  local client = H.client(mod)
  -- The code lenses come without setup() too (plugin/modlsp.lua's LspAttach autocommand).
  H.wait(10000, function()
    return #vim.lsp.codelens.get(mod) > 0
  end, 'the code lenses of go.mod')
  report.gomod.lenses = vim.tbl_map(function(lens)
    return lens.command.title
  end, vim.lsp.codelens.get(mod))

  local go = H.open('main.go')
  H.wait(10000, function()
    return H.client(go) ~= nil
  end, 'modlsp to attach to main.go')
  report.go = { filetype = vim.bo[go].filetype, same_client = H.client(go).id == client.id }

  -- Edit go.mod after main.go's didOpen and wait for the result: by then the server has
  -- handled main.go's didOpen, so a diagnostic it had for main.go would be there too.
  vim.api.nvim_buf_set_lines(mod, 6, 7, false, { 'require golang.org/x/mod v0.17.0' })
  H.wait(5000, function()
    return #vim.diagnostic.get(mod) == 1
  end, 'go.mod diagnostics to drop to one after the edit')
  report.gomod.diagnostics_after_edit = H.diagnostics(mod)
  report.go.diagnostics = H.diagnostics(go)
  report.package_loaded_after = package.loaded['modlsp'] ~= nil
end)
