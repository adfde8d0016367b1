-- Scenario: a module cache that knows a newer example.com/greet, which example.com/tool already
-- requires. setup({ inlay_hints = true }) shows the version minimal version selection picks;
-- the "Check for upgrades" lens finds the upgrade, an "Upgrade all (1)" lens appears, and
-- running it applies the server's edit (workspace/applyEdit) to the buffer.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.guard(function()
  vim.opt.rtp:append(H.plugin)
  require('modlsp').setup({ cmd = H.cmd, inlay_hints = true })
end)

local function titles(buf)
  local out = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    table.insert(out, lens.command and lens.command.title or vim.NIL)
  end
  table.sort(out, function(a, b)
    return tostring(a) < tostring(b)
  end)
  return out
end

local function hints(buf)
  local out = {}
  for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
    local hint = item.inlay_hint
    local label = hint.label
    if type(label) == 'table' then
      label = table.concat(vim.tbl_map(function(part)
        return part.value
      end, label))
    end
    table.insert(out, { line = hint.position.line, label = label })
  end
  return out
end

--- Runs the lens titled `title` on its line, as a user would: vim.lsp.codelens.run() there,
--- choosing it from the menu Neovim shows when the line has more than one lens.
local function run_lens(buf, title)
  local target
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    if lens.command and lens.command.title == title then
      target = lens
    end
  end
  assert(target, ('no lens titled %q'):format(title))
  vim.api.nvim_win_set_cursor(0, { target.range.start.line + 1, 0 })
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      if opts.format_item(item) == title then
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  local ok, err = pcall(vim.lsp.codelens.run)
  vim.ui.select = select
  assert(ok, err)
end

H.run(function(report)
  local buf = H.open('go.mod')
  H.wait(10000, function()
    local client = H.client(buf)
    return client ~= nil and client.initialized == true
  end, 'modlsp to attach to go.mod')
  report.inlay_hints_enabled = vim.lsp.inlay_hint.is_enabled({ bufnr = buf })
  H.wait(15000, function()
    return #hints(buf) > 0
  end, 'an inlay hint')
  report.hints = hints(buf)

  H.wait(10000, function()
    return vim.list_contains(titles(buf), 'Check for upgrades')
  end, 'the "Check for upgrades" lens')
  local messages = #report.show_messages
  run_lens(buf, 'Check for upgrades')
  H.wait(15000, function()
    return #report.show_messages > messages
  end, "the server's message after Check for upgrades")
  report.check_message = report.show_messages[#report.show_messages]
  H.wait(10000, function()
    return vim.list_contains(titles(buf), 'Upgrade all (1)')
  end, 'the "Upgrade all (1)" lens')
  report.lenses_after_check = titles(buf)
  H.wait(10000, function()
    return vim.iter(H.diagnostics(buf)):any(function(d)
      return d.message:find('can be upgraded', 1, true) ~= nil
    end)
  end, 'the upgrade diagnostic')
  report.diagnostics_after_check = H.diagnostics(buf)

  local tick = vim.b[buf].changedtick
  run_lens(buf, 'Upgrade all (1)')
  H.wait(10000, function()
    return vim.b[buf].changedtick ~= tick
  end, 'Upgrade all to change the buffer')
  report.lines_after_upgrade = H.lines(buf)
  H.wait(10000, function()
    return #hints(buf) == 0
  end, 'the inlay hint to go')
  H.wait(10000, function()
    return vim.deep_equal(titles(buf), { 'Check for upgrades' })
  end, 'the lenses after the upgrade')
  report.lenses_after_upgrade = titles(buf)
  H.wait(10000, function()
    return #H.diagnostics(buf) == 0
  end, 'no diagnostics after the upgrade')
end)
