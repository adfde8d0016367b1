// The modlsp extension: finds the server, runs it with vscode-languageclient and shows its state.
import * as readline from 'readline';
import type { Readable } from 'stream';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { pickGoMod } from './gomod';
import {
  chooseServer,
  describe,
  ProbeError,
  probeVersion,
  type ServerCommand,
  type ServerSettings,
} from './server';
import { StatusItem } from './status';

const INSTALL_COMMAND = 'pip install modlsp';
const NOT_FOUND_MESSAGE =
  'modlsp server not found. Install it with "pip install modlsp" (or "pip install ." in a ' +
  'modlsp checkout), or set modlsp.server.path.';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readServerSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('modlsp');
  return {
    path: config.get<string>('server.path', ''),
    python: config.get<string>('server.python', ''),
  };
}

function sameServerSettings(a: ServerSettings, b: ServerSettings): boolean {
  return a.path === b.path && a.python === b.python;
}

function eachLine(input: Readable, handle: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', handle);
}

const PYTHON_LOG_LINE =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) (.*)$/;

/**
 * The server logs to stderr as "<time> <LEVEL> <logger>: <message>"; log each line at its own
 * level (the client's default would show every stderr line as an error). Anything else on
 * stderr, such as a traceback, is an error.
 */
function logServerLine(channel: vscode.LogOutputChannel, line: string): void {
  const match = PYTHON_LOG_LINE.exec(line);
  if (!match) {
    channel.error(line);
    return;
  }
  const [, level, message] = match;
  if (level === 'DEBUG') {
    channel.debug(message);
  } else if (level === 'INFO') {
    channel.info(message);
  } else if (level === 'WARNING') {
    channel.warn(message);
  } else {
    channel.error(message);
  }
}

/** Starts, stops and restarts the language client; one operation at a time. */
class Controller {
  private client: LanguageClient | undefined;
  /** Why the server is not running, for messages; undefined while it is (or is starting). */
  private problem: string | undefined = 'it has not been started';
  private queue: Promise<void> = Promise.resolve();
  private starts = 0;

  constructor(
    private readonly extension: vscode.Extension<unknown>,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: StatusItem,
  ) {}

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.output.info(`Restarting the server: ${reason}`);
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  /** The running client once pending starts and restarts are done, or why there is none. */
  async runningClient(): Promise<LanguageClient | string> {
    await this.queue;
    if (this.client?.isRunning()) {
      return this.client;
    }
    return this.problem ?? 'it stopped';
  }

  // A restart requested while a start is still probing waits for it instead of racing it.
  private enqueue(operation: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(operation).catch((error: unknown) => {
      this.output.error(`Unexpected error: ${errorText(error)}`);
    });
    return this.queue;
  }

  private async doStart(): Promise<void> {
    this.status.set({ state: 'starting' });
    this.problem = undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const settings = readServerSettings();
    const server = chooseServer(settings, folder);
    this.output.info(`Looking for the server: ${describe(server)}`);
    this.hintAboutTrace();
    let version: string;
    try {
      version = await probeVersion(server, folder);
    } catch (error) {
      this.reportProbeFailure(server, error);
      return;
    }
    this.output.info(`Found modlsp ${version}: ${describe(server)}`);

    const client = new LanguageClient(
      'modlsp', // this id makes the client read modlsp.trace.server by itself
      'modlsp',
      {
        command: server.command,
        args: server.args,
        transport: TransportKind.stdio,
        options: { cwd: folder },
      },
      this.clientOptions(settings),
    );
    client.onDidChangeState(({ newState }) => {
      if (client !== this.client) {
        return; // a client being replaced
      }
      if (newState === State.Running) {
        this.problem = undefined;
        const info = client.initializeResult?.serverInfo;
        this.status.set({
          state: 'ready',
          version: info?.version ?? version,
          how: describe(server),
        });
      } else if (newState === State.Starting) {
        this.status.set({ state: 'starting' });
      } else {
        // The client restarts a crashing server a few times by itself before giving up.
        this.problem = 'the server stopped (see "modlsp: Show Output")';
        this.status.set({
          state: 'stopped',
          reason: 'stopped',
          detail: 'The modlsp server stopped.',
        });
        this.output.warn('The server stopped.');
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.problem = `the server failed to start: ${errorText(error)}`;
      this.output.error(`The server failed to start: ${errorText(error)}`);
      this.status.set({ state: 'stopped', reason: 'failed to start', detail: this.problem });
      void client.dispose().catch(() => undefined);
      void this.notifyError(`modlsp failed to start: ${errorText(error)}`, 'modlsp.server');
      return;
    }
    this.starts += 1;
    const info = client.initializeResult?.serverInfo;
    const pid = client.serverProcess?.pid ?? '?';
    this.output.info(
      `Server started (start ${this.starts} in this window, pid ${pid}): ` +
        `${info?.name ?? 'modlsp'} ${info?.version ?? version}`,
    );
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.problem = 'it was stopped';
    if (!client) {
      return;
    }
    this.output.info('Stopping the server');
    try {
      await client.dispose(5000);
    } catch (error) {
      // A server that already exited cannot be asked to shut down; nothing is left to do.
      this.output.warn(`Stopping the server: ${errorText(error)}`);
    }
  }

  private clientOptions(started: ServerSettings): LanguageClientOptions {
    return {
      documentSelector: ['go.mod', 'go.work', 'go'].map((language) => ({
        scheme: 'file',
        language,
      })),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      initializationOptions: () => {
        const settings = this.serverSettings();
        this.output.info(`Server settings: ${JSON.stringify(settings)}`);
        return settings;
      },
      synchronize: { configurationSection: 'modlsp' },
      middleware: {
        workspace: {
          // A change of modlsp.server.* replaces this client (and its server): forwarding it
          // to the server being shut down would race the shutdown and fail noisily.
          didChangeConfiguration: (sections, next) =>
            sameServerSettings(started, readServerSettings()) ? next(sections) : Promise.resolve(),
        },
      },
      stdioOptions: {
        stdout: (input, channel) => eachLine(input, (line) => channel.info(line)),
        stderr: (input, channel) => eachLine(input, (line) => logServerLine(channel, line)),
      },
    };
  }

  /**
   * The server's own settings (package.json's modlsp.* minus the extension's server.* and
   * trace.*), read from package.json so the list has one source.
   */
  private serverSettings(): Record<string, unknown> {
    const json = this.extension.packageJSON as {
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    const config = vscode.workspace.getConfiguration('modlsp');
    const settings: Record<string, unknown> = {};
    for (const key of Object.keys(json.contributes.configuration.properties)) {
      const name = key.slice('modlsp.'.length);
      if (!name.startsWith('server.') && !name.startsWith('trace.')) {
        settings[name] = config.get(name);
      }
    }
    return settings;
  }

  /**
   * vscode-languageclient traces only while the output's log level is Trace (and then
   * modlsp.trace.server picks messages or verbose): say so when the setting alone asks for it.
   */
  hintAboutTrace(): void {
    const trace = vscode.workspace.getConfiguration('modlsp').get<string>('trace.server', 'off');
    if (trace !== 'off' && this.output.logLevel !== vscode.LogLevel.Trace) {
      this.output.info(
        `modlsp.trace.server is "${trace}": set this output's log level to Trace (the gear in ` +
          'the Output view, or "Developer: Set Log Level...") to see the messages.',
      );
    }
  }

  private reportProbeFailure(server: ServerCommand, error: unknown): void {
    const reason = errorText(error);
    if (server.source === 'PATH' && error instanceof ProbeError && error.notFound) {
      this.problem = 'the modlsp server is not installed';
      this.status.set({ state: 'notFound' });
      this.output.warn(NOT_FOUND_MESSAGE);
      void vscode.window
        .showWarningMessage(NOT_FOUND_MESSAGE, 'Open Settings', 'Copy Install Command')
        .then(async (choice) => {
          if (choice === 'Open Settings') {
            await vscode.commands.executeCommand('workbench.action.openSettings', 'modlsp.server');
          } else if (choice === 'Copy Install Command') {
            await vscode.env.clipboard.writeText(INSTALL_COMMAND);
            vscode.window.setStatusBarMessage(`Copied "${INSTALL_COMMAND}"`, 5000);
          }
        });
      return;
    }
    // An explicit setting that does not work is an error to fix, never a reason to fall back.
    const message =
      server.source === 'PATH'
        ? `Cannot start modlsp: the modlsp command on PATH does not work: ${reason}`
        : `Cannot start modlsp: the setting ${server.source} is "${server.setting}", ` +
          `which does not work: ${reason}`;
    this.problem = message;
    this.output.error(message);
    this.status.set({ state: 'stopped', reason: 'server not usable', detail: message });
    void this.notifyError(message, server.source === 'PATH' ? 'modlsp.server' : server.source);
  }

  private async notifyError(message: string, settingQuery: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', settingQuery);
    } else if (choice === 'Show Output') {
      this.output.show(true);
    }
  }
}

/** Sends a server command for the chosen go.mod, or says why it cannot. */
async function runServerCommand(
  controller: Controller,
  output: vscode.LogOutputChannel,
  serverCommand: string,
  title: string,
): Promise<void> {
  const client = await controller.runningClient();
  if (typeof client === 'string') {
    const choice = await vscode.window.showWarningMessage(
      `"${title}" needs the modlsp server, which is not running: ${client}.`,
      'Show Output',
      'Restart Server',
    );
    if (choice === 'Show Output') {
      output.show(true);
    } else if (choice === 'Restart Server') {
      await vscode.commands.executeCommand('modlsp.restartServer');
    }
    return;
  }
  const supported = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!supported.includes(serverCommand)) {
    const version = client.initializeResult?.serverInfo?.version ?? 'unknown version';
    // An older server than this extension (the command came with a later modlsp).
    output.info(`${title}: the server does not advertise ${serverCommand}`);
    void vscode.window.showWarningMessage(
      `This modlsp server (${version}) does not support "${title}": upgrade it ` +
        '(pip install --upgrade modlsp).',
    );
    return;
  }
  const goMod = await pickGoMod(title);
  if (!goMod) {
    return;
  }
  output.info(`${title}: running ${serverCommand} on ${goMod.toString()}`);
  const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
    command: serverCommand,
    arguments: [{ uri: client.code2ProtocolConverter.asUri(goMod) }],
  });
  output.info(`${title}: ${serverCommand} returned ${JSON.stringify(result ?? null)}`);
}

let controller: Controller | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('modlsp', { log: true });
  const status = new StatusItem('modlsp.showOutput');
  const current = new Controller(context.extension, output, status);
  controller = current;
  context.subscriptions.push(output, status);
  output.info(
    `modlsp extension ${String((context.extension.packageJSON as { version?: string }).version)} ` +
      `activated in ${vscode.env.appName} ${vscode.version}`,
  );

  // Commands never throw at the user: failures are logged and shown as one message.
  const register = (id: string, title: string, run: () => Promise<void> | void): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await run();
        } catch (error) {
          output.error(`${title} failed: ${errorText(error)}`);
          void vscode.window.showErrorMessage(`modlsp: ${title} failed: ${errorText(error)}`);
        }
      }),
    );
  };
  // The server's own commands are modlsp.server.*: vscode-languageclient registers every command
  // the server advertises under its own id, so these ids must not collide with them.
  register('modlsp.restartServer', 'Restart Server', () =>
    current.restart('requested by the user'),
  );
  register('modlsp.showOutput', 'Show Output', () => output.show(true));
  register('modlsp.checkUpgrades', 'Check for Upgrades', () =>
    runServerCommand(current, output, 'modlsp.server.checkUpgrades', 'Check for Upgrades'),
  );
  register('modlsp.bumpMajor', 'Bump Module Major Version', () =>
    runServerCommand(current, output, 'modlsp.server.bumpMajor', 'Bump Module Major Version'),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('modlsp.server')) {
        void current.restart('the modlsp.server settings changed');
      } else if (event.affectsConfiguration('modlsp.trace.server')) {
        current.hintAboutTrace();
      }
      // Server settings reach the running server through synchronize.configurationSection.
    }),
  );
  void current.start();
}

export function deactivate(): Promise<void> | undefined {
  // Returning the promise lets VS Code wait for a clean LSP shutdown and exit of the server.
  return controller?.stop();
}
