// Drives the modlsp extension in a real VS Code (code-server) through headless Chromium and
// prints one JSON report of what it saw on stdout; progress goes to stderr. The assertions on
// the exact texts live in test_vscode.py: this script only waits for each step's condition
// (never for a fixed time) and records what the UI shows.
//
// Usage: node e2e.mjs CONFIG.json, where CONFIG has url, workspace, machineSettingsFile,
// playwright (the playwright-core package directory), chromium, outputDir, badServerPath,
// bumpDir (a module's directory in the workspace) and bumpFiles (its files, relative to it).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const require = createRequire(import.meta.url);
const { chromium } = require(config.playwright);

const STATUS = '[id="modlsp.modlsp.modlsp.status"]';
const PROBLEM_ROWS = '.markers-panel .monaco-list-row';
// A code lens's title in the editor (each is a link that runs its command).
const CODE_LENS = '.monaco-editor .codelens-decoration a';
// A line of text in the editors of the editor area (not the output panel).
const GO_MOD_TEXT = '.editor-group-container .monaco-editor .view-line';
const report = { steps: [], screenshots: [] };
const started = Date.now();

function log(message) {
  process.stderr.write(`e2e ${((Date.now() - started) / 1000).toFixed(1)}s: ${message}\n`);
}

/** Runs one named step, timing it; a failure says which step and what was missing. */
async function step(name, run) {
  const t = Date.now();
  log(`${name}...`);
  try {
    const result = await run();
    report.steps.push({ name, ms: Date.now() - t });
    return result;
  } catch (error) {
    report.steps.push({ name, ms: Date.now() - t, error: String(error?.message ?? error) });
    throw new Error(`step "${name}" failed: ${error?.message ?? error}`);
  }
}

/** Waits for a condition checked in Node (files on disk); fails with `what` after `timeout`. */
async function until(what, check, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling interval
  }
}

/** Waits for a condition on the page (polled by the browser on each animation frame). */
async function waitInPage(page, what, predicate, arg, timeout = 15000) {
  try {
    await page.waitForFunction(predicate, arg, { timeout, polling: 'raf' });
  } catch {
    throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
  }
}

async function waitFor(locator, what, timeout = 15000, state = 'visible') {
  try {
    await locator.first().waitFor({ state, timeout });
  } catch {
    throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
  }
}

/** The Problems panel as data: one entry per marker, with the file it is listed under. */
function readProblems(page) {
  return page.evaluate((selector) => {
    const entries = [];
    let file = null;
    for (const row of document.querySelectorAll(selector)) {
      const marker = row.querySelector('.marker-message');
      if (!marker) {
        file = row.querySelector('.label-name')?.textContent ?? row.innerText.split('\n')[0];
        continue;
      }
      const icon = row.querySelector('.marker-icon');
      const severity = ['error', 'warning', 'info'].find((s) => icon?.classList.contains(s));
      entries.push({
        file,
        severity: severity ?? null,
        message: marker.textContent,
        source: row.querySelector('.marker-source')?.textContent ?? null,
        code: row.querySelector('.marker-code')?.textContent ?? null,
        position: row.querySelector('.marker-line')?.textContent ?? null,
      });
    }
    return entries;
  }, PROBLEM_ROWS);
}

/** Waits until the Problems panel lists exactly `count` markers. */
function waitForProblemCount(page, count, timeout = 15000) {
  return waitInPage(
    page,
    `the Problems panel to list exactly ${count} problem(s)`,
    ([selector, n]) =>
      [...document.querySelectorAll(selector)].filter((r) => r.querySelector('.marker-message'))
        .length === n,
    [PROBLEM_ROWS, count],
    timeout,
  );
}

/** Shows the Problems panel (Ctrl+Shift+M toggles it, so only when it is not showing). */
async function showProblems(page) {
  if (!(await page.locator('.markers-panel').isVisible())) {
    await page.keyboard.press('Control+Shift+M');
  }
  await waitFor(page.locator('.markers-panel'), 'the Problems panel');
}

function statusLabel(page) {
  return page.locator(STATUS).first().getAttribute('aria-label', { timeout: 2000 });
}

function waitForStatus(page, prefix, timeout = 30000) {
  return waitFor(
    page.locator(`${STATUS}[aria-label^="${prefix}"]`),
    `the modlsp status bar item to say "${prefix}"`,
    timeout,
  );
}

/** Runs a command from the command palette (F1), by its full title. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await waitFor(input, 'the command palette');
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
  await waitFor(row, `"${title}" in the command palette`);
  await row.first().click();
  await waitFor(
    page.locator('.quick-input-widget'),
    'the command palette to close',
    5000,
    'hidden',
  );
}

/**
 * Opens a workspace file with Quick Open, by its path relative to the workspace (the module in
 * bumpme/ has a go.mod and a main.go too), and waits until it is the active editor.
 */
async function openFile(page, relative) {
  const name = path.basename(relative);
  const dir = path.dirname(relative) === '.' ? '' : path.dirname(relative);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await waitFor(input, 'Quick Open');
  await input.fill(relative);
  // The row whose name and folder (its description; none for the workspace root) are the
  // file's.
  const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: name });
  await waitFor(rows, `${relative} in Quick Open`);
  const index = await until(`${relative} in Quick Open`, async () => {
    const found = await rows.evaluateAll(
      (elements, [n, d]) =>
        elements.findIndex(
          (row) =>
            row.querySelector('.label-name')?.textContent === n &&
            (row.querySelector('.label-description')?.textContent ?? '') === d,
        ),
      [name, dir],
    );
    return found >= 0 ? { found } : null;
  });
  await rows.nth(index.found).click();
  await waitFor(
    page.locator(`.tab.active[aria-label^="${name}"]`),
    `an active editor tab for ${relative}`,
  );
}

/** Waits for a notification toast containing `text`; returns its message and buttons. */
async function waitForNotification(page, text, timeout = 15000) {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await waitFor(toast, `a notification saying "${text}"`, timeout);
  // Wait for the toast to finish sliding in (stable position), so screenshots show it whole.
  await toast.hover({ trial: true, timeout: 5000 });
  return {
    message: await toast.locator('.notification-list-item-message').innerText(),
    buttons: await toast
      .locator('.notification-list-item-buttons-container .monaco-button')
      .allInnerTexts(),
  };
}

/** The messages of every notification toast on screen. */
function notificationTexts(page) {
  return page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
}

async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await waitFor(page.locator('.notification-toast'), 'the notifications to clear', 5000, 'hidden');
}

/** The text of the output view (its visible lines, wrapped lines joined back). */
function outputText(page) {
  return page.evaluate(() => {
    const lines = document.querySelector(
      '.panel .output-view .view-lines, .panel .monaco-editor .view-lines',
    );
    return lines ? lines.innerText.replace(/\n/g, '').replace(/\u00a0/g, ' ') : '';
  });
}

/**
 * The editor tabs with unsaved changes: the file name, and the folder when the tab shows one
 * (it does for names open twice, e.g. "go.mod bumpme").
 */
async function dirtyTabs(page) {
  const tabs = await page
    .locator('.tab.dirty')
    .evaluateAll((elements) =>
      elements.map((tab) =>
        [tab.getAttribute('aria-label'), tab.querySelector('.label-description')?.textContent]
          .filter((text) => text)
          .join(' '),
      ),
    );
  return tabs.sort();
}

/** The text on disk of each file of the module in bumpme/ (config.bumpDir), by its name there. */
function readBumpFiles() {
  return Object.fromEntries(
    config.bumpFiles.map((name) => [
      name,
      fs.readFileSync(path.join(config.workspace, config.bumpDir, name), 'utf8'),
    ]),
  );
}

async function screenshot(page, name) {
  const file = path.join(config.outputDir, name);
  await page.screenshot({ path: file });
  report.screenshots.push(file);
}

/**
 * Changes a settings file on disk. The test uses the remote machine's settings: code-server
 * reads modlsp.server.* only there, and notices edits of that file (not of the user's).
 */
function writeSettings(file, update) {
  const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) {
      delete settings[key];
    } else {
      settings[key] = value;
    }
  }
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

async function scenario(page) {
  const goMod = path.join(config.workspace, 'go.mod');
  fs.rmSync(path.join(config.outputDir, 'vscode-failure.png'), { force: true });

  await step('open the workspace', async () => {
    await page.goto(`${config.url}/?folder=${encodeURIComponent(config.workspace)}`);
    await waitFor(page.locator('.monaco-workbench'), 'the VS Code workbench', 60000);
  });

  report.statusReady = await step('server ready', async () => {
    await waitForStatus(page, 'modlsp: ready', 60000);
    return statusLabel(page);
  });

  await step('open main.go and go.mod', async () => {
    await openFile(page, 'main.go');
    await openFile(page, 'go.mod');
    await waitFor(page.locator('.squiggly-error'), 'an error squiggle in go.mod');
    await waitFor(page.locator('.squiggly-warning'), 'a warning squiggle in go.mod');
  });

  report.problems = await step('problems panel', async () => {
    await showProblems(page);
    await waitForProblemCount(page, 2);
    await screenshot(page, 'vscode-problems.png');
    return readProblems(page);
  });

  report.quickFixes = await step('quick fix menu', async () => {
    const box = await page.locator('.squiggly-error').first().boundingBox();
    if (!box) {
      throw new Error('the error squiggle has no position on screen');
    }
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('Control+.');
    const actions = page.locator('.action-widget .monaco-list-row.action');
    await waitFor(actions, 'the quick fix menu (Ctrl+.)');
    await screenshot(page, 'vscode-quickfix.png');
    return actions.allInnerTexts();
  });

  report.afterFix = await step('apply "Change to \'require\'" and save', async () => {
    const fix = page.locator('.action-widget .monaco-list-row.action', {
      hasText: "Change to 'require'",
    });
    await waitFor(fix, `the quick fix "Change to 'require'"`);
    await fix.first().click();
    await waitFor(
      page.locator('.squiggly-error'),
      'the error squiggle to go away',
      15000,
      'detached',
    );
    await page.keyboard.press('Control+S');
    const text = await until('go.mod to be saved with the fix', () => {
      const content = fs.readFileSync(goMod, 'utf8');
      return content.includes('require golang.org/x/text') ? content : null;
    });
    await waitForProblemCount(page, 1);
    return { file: text, problems: await readProblems(page) };
  });

  report.restart = await step('command palette: modlsp: Restart Server', async () => {
    await runCommand(page, 'modlsp: Restart Server');
    await runCommand(page, 'modlsp: Show Output');
    // "Server started (start 2 ...)" is logged once the new server has answered initialize.
    await waitInPage(
      page,
      'the modlsp output to show a second server start',
      () => {
        const lines = document.querySelector('.panel .monaco-editor .view-lines');
        // Monaco renders spaces as no-break spaces and wraps long lines.
        const text = lines?.innerText.replace(/\n/g, '').replace(/\u00a0/g, ' ') ?? '';
        return text.includes('Server started (start 2');
      },
      undefined,
      30000,
    );
    await waitForStatus(page, 'modlsp: ready');
    // The old client's diagnostics went with it; the new server must publish them again.
    await showProblems(page);
    await waitForProblemCount(page, 1);
    return { status: await statusLabel(page), problems: await readProblems(page) };
  });

  // The server's "Check for upgrades" lens on the first require line: vscode-languageclient
  // shows it and runs the server's command when it is clicked.
  report.codeLens = await step('code lens: Check for upgrades', async () => {
    // VS Code asks for lenses while the editor has focus (it drops a pending request when the
    // editor loses it, e.g. to the Problems panel): click into the go.mod, as a user would.
    await page.locator(GO_MOD_TEXT, { hasText: 'module example.com/hello' }).first().click();
    const lens = page.locator(CODE_LENS, { hasText: 'Check for upgrades' });
    await waitFor(lens, 'the "Check for upgrades" code lens in go.mod');
    const titles = await page.locator(CODE_LENS).allInnerTexts();
    await lens.first().click();
    const toast = await waitForNotification(page, 'requirements');
    await screenshot(page, 'vscode-codelens.png');
    const notifications = await notificationTexts(page);
    await clearNotifications(page);
    return { titles, toast, notifications };
  });

  report.checkUpgrades = await step('command palette: modlsp: Check for Upgrades', async () => {
    await runCommand(page, 'modlsp: Check for Upgrades');
    // The server says what it found in one message.
    const toast = await waitForNotification(page, 'requirements');
    await screenshot(page, 'vscode-check-upgrades.png');
    const notifications = await notificationTexts(page);
    await clearNotifications(page);
    return { ...toast, notifications };
  });

  // The module in bumpme/ (go.mod, main.go -> greet -> words) moves to v2: the server sends
  // one workspace/applyEdit for go.mod and the Go files that import its packages, open
  // (go.mod, greet.go) or not (main.go); VS Code applies it and leaves the files unsaved.
  report.bumpMajor = await step('command palette: modlsp: Bump Module Major Version', async () => {
    await openFile(page, `${config.bumpDir}/greet/greet.go`);
    await openFile(page, `${config.bumpDir}/go.mod`);
    await waitFor(
      page.locator(GO_MOD_TEXT, { hasText: 'module example.com/bumpme' }),
      'bumpme/go.mod in the editor',
    );
    await runCommand(page, 'modlsp: Bump Module Major Version');
    const toast = await waitForNotification(page, 'imports rewritten', 30000);
    await waitFor(
      page.locator(GO_MOD_TEXT, { hasText: 'module example.com/bumpme/v2' }),
      'the editor to show module example.com/bumpme/v2',
    );
    await screenshot(page, 'vscode-bump-major.png');
    const notifications = await notificationTexts(page);
    await clearNotifications(page);
    // Monaco renders spaces as no-break spaces.
    const editor = (await page.locator(GO_MOD_TEXT).allInnerTexts()).map((line) =>
      line.replace(/\u00a0/g, ' '),
    );
    // VS Code opens the files the edit changed that had no editor (main.go) in the background.
    await waitFor(
      page.locator('.tab.dirty[aria-label^="main.go"]', { hasText: config.bumpDir }),
      'an editor tab for bumpme/main.go, changed by the edit',
    );
    const unsaved = readBumpFiles();
    const dirty = await dirtyTabs(page);
    await runCommand(page, 'File: Save All');
    const saved = await until('the moved module to be saved', () => {
      const files = readBumpFiles();
      const moved = ['go.mod', 'main.go', 'greet/greet.go'].every((n) => files[n].includes('/v2'));
      return moved ? files : null;
    });
    return { ...toast, notifications, editor, unsaved, dirty, saved };
  });

  // Ctrl+Z in go.mod undoes the whole edit, in every file it changed.
  report.undoBump = await step('undo the bump', async () => {
    await page.locator(GO_MOD_TEXT, { hasText: 'module example.com/bumpme/v2' }).first().click();
    await page.keyboard.press('Control+Z');
    await waitFor(
      page.locator(GO_MOD_TEXT, { hasText: 'module example.com/bumpme' }).filter({
        hasNotText: '/v2',
      }),
      'the editor to show module example.com/bumpme again',
    );
    await screenshot(page, 'vscode-bump-major-undo.png');
    const dialogs = await page.locator('.monaco-dialog-box').count();
    const unsaved = await dirtyTabs(page);
    await runCommand(page, 'File: Save All');
    const saved = await until('the undone module to be saved', () => {
      const files = readBumpFiles();
      return Object.values(files).every((text) => !text.includes('/v2')) ? files : null;
    });
    return { dialogs, unsaved, saved };
  });

  report.disabledCodes = await step('modlsp.disabledCodes reaches the running server', async () => {
    writeSettings(config.machineSettingsFile, { 'modlsp.disabledCodes': ['noncanonical-version'] });
    await showProblems(page);
    await waitForProblemCount(page, 0);
    return readProblems(page);
  });

  report.badServerPath = await step('modlsp.server.path set to a missing file', async () => {
    writeSettings(config.machineSettingsFile, { 'modlsp.server.path': config.badServerPath });
    const toast = await waitForNotification(page, 'Cannot start modlsp', 30000);
    await waitForStatus(page, 'modlsp: server not usable');
    await screenshot(page, 'vscode-bad-server-path.png');
    const status = await statusLabel(page);
    // Every notification on screen: the test checks there is no other (such as the client's
    // own errors about the server going away).
    const notifications = await notificationTexts(page);
    await clearNotifications(page);
    return { ...toast, status, notifications };
  });

  report.recovered = await step('setting removed: the server comes back', async () => {
    writeSettings(config.machineSettingsFile, { 'modlsp.server.path': undefined });
    await waitForStatus(page, 'modlsp: ready', 30000);
    await showProblems(page);
    const status = await statusLabel(page);
    // Re-enable the code hidden above: the warning comes back from the new server.
    writeSettings(config.machineSettingsFile, { 'modlsp.disabledCodes': undefined });
    await waitForProblemCount(page, 1);
    return { status, problems: await readProblems(page) };
  });
}

/** What the screen showed when a step failed, for the failure message. */
async function diagnose(page) {
  const dump = {};
  const attempt = async (key, get) => {
    try {
      dump[key] = await get();
    } catch (error) {
      dump[key] = `(unavailable: ${error?.message ?? error})`;
    }
  };
  await attempt('screenshot', async () => {
    await screenshot(page, 'vscode-failure.png');
    return path.join(config.outputDir, 'vscode-failure.png');
  });
  await attempt('status', () => statusLabel(page));
  await attempt('problems', () => readProblems(page));
  await attempt('notifications', () => page.locator('.notification-toast').allInnerTexts());
  await attempt('output', () => outputText(page));
  return dump;
}

const browser = await chromium.launch({
  executablePath: config.chromium,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let exitCode = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await scenario(page);
  } catch (error) {
    exitCode = 1;
    report.error = String(error?.message ?? error);
    report.failure = await diagnose(page);
  }
} finally {
  await browser.close();
}
report.totalMs = Date.now() - started;
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(exitCode);
