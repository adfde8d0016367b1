// Finding the modlsp server: which command to run, and whether it really is modlsp.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerSource = 'modlsp.server.path' | 'modlsp.server.python' | 'PATH';

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from: a setting name, or PATH when nothing is configured. */
  source: ServerSource;
  /** The setting's value as the user wrote it (before expansion). */
  setting: string;
}

export interface ServerSettings {
  path: string;
  python: string;
}

/** `~` and `${workspaceFolder}` (and `${userHome}`) as in VS Code's own settings. */
export function expandPath(value: string, workspaceFolder: string | undefined): string {
  let result = value.trim();
  if (result === '~' || result.startsWith('~/')) {
    result = os.homedir() + result.slice(1);
  }
  result = result.replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder !== undefined) {
    result = result.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  return result;
}

/** The server command, in order: modlsp.server.path, modlsp.server.python, `modlsp` on PATH. */
export function chooseServer(settings: ServerSettings, workspaceFolder?: string): ServerCommand {
  if (settings.path.trim() !== '') {
    return {
      command: expandPath(settings.path, workspaceFolder),
      args: [],
      source: 'modlsp.server.path',
      setting: settings.path,
    };
  }
  if (settings.python.trim() !== '') {
    return {
      command: expandPath(settings.python, workspaceFolder),
      args: ['-m', 'modlsp'],
      source: 'modlsp.server.python',
      setting: settings.python,
    };
  }
  return { command: 'modlsp', args: [], source: 'PATH', setting: '' };
}

export function describe(server: ServerCommand): string {
  const line = [server.command, ...server.args].join(' ');
  if (server.source !== 'PATH') {
    return `${line} (from ${server.source})`;
  }
  const found = findOnPath(server.command);
  return found ? `${line} (found on PATH: ${found})` : `${line} (on PATH)`;
}

/** Where a command name is found on PATH, for the log; undefined if it is not. */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (dir !== '' && fs.statSync(candidate).isFile()) {
        return candidate;
      }
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export class ProbeError extends Error {
  constructor(
    message: string,
    /** True when the command itself does not exist (as opposed to failing when run). */
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

const PROBE_TIMEOUT_MS = 15000;

/**
 * Runs the server with `--version` and returns the version it reports ("0.1.0").
 * Rejects with a ProbeError whose message says what went wrong in a few words.
 */
export function probeVersion(server: ServerCommand, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      server.command,
      [...server.args, '--version'],
      { cwd, timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            const what = path.isAbsolute(server.command) ? 'no such file' : 'command not found';
            reject(new ProbeError(`${server.command}: ${what}`, true));
          } else if (code === 'EACCES') {
            reject(new ProbeError(`${server.command}: permission denied (not executable?)`, false));
          } else if (error.killed) {
            reject(
              new ProbeError(
                `"--version" did not finish within ${PROBE_TIMEOUT_MS / 1000} s`,
                false,
              ),
            );
          } else {
            const detail = summary(String(stderr)) || summary(String(stdout)) || error.message;
            reject(
              new ProbeError(`"--version" failed (exit status ${String(code)}): ${detail}`, false),
            );
          }
          return;
        }
        const match = /^modlsp\s+(\S+)/.exec(String(stdout).trim());
        if (!match) {
          const got = summary(String(stdout)) || summary(String(stderr)) || 'nothing';
          reject(
            new ProbeError(`this is not modlsp: "--version" printed ${JSON.stringify(got)}`, false),
          );
          return;
        }
        resolve(match[1]);
      },
    );
  });
}

function summary(text: string): string {
  // The last non-empty line of a Python traceback is the useful one; for other output the first.
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) {
    return '';
  }
  return lines[0].startsWith('Traceback') ? lines[lines.length - 1] : lines[0];
}
