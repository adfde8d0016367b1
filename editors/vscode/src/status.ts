// The status bar item: what the server is doing, in one glance; a click shows the output.
import * as vscode from 'vscode';

export type Status =
  | { state: 'starting' }
  | { state: 'ready'; version: string; how: string }
  | { state: 'stopped'; reason: string; detail: string }
  | { state: 'notFound' };

const CLICK = 'Click to show the output.';

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(commandId: string) {
    this.item = vscode.window.createStatusBarItem(
      'modlsp.status',
      vscode.StatusBarAlignment.Right,
      100,
    );
    this.item.name = 'modlsp';
    this.item.command = commandId;
    this.set({ state: 'starting' });
    this.item.show();
  }

  set(status: Status): void {
    const item = this.item;
    let label: string;
    item.backgroundColor = undefined;
    switch (status.state) {
      case 'starting':
        item.text = '$(sync~spin) modlsp';
        label = 'modlsp: starting';
        item.tooltip = 'modlsp: starting the server…';
        break;
      case 'ready':
        item.text = '$(check) modlsp';
        label = `modlsp: ready, version ${status.version}`;
        item.tooltip = `modlsp ${status.version} is running: ${status.how}\n${CLICK}`;
        break;
      case 'stopped':
        item.text = `$(error) modlsp: ${status.reason}`;
        label = `modlsp: ${status.reason}`;
        item.tooltip = `${status.detail}\n${CLICK}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'notFound':
        item.text = '$(warning) modlsp: not found';
        label = 'modlsp: server not found';
        item.tooltip =
          'modlsp server not found: install it with "pip install modlsp", or set ' +
          `modlsp.server.path.\n${CLICK}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
    }
    // The accessible label is what screen readers (and the end-to-end test) read.
    item.accessibilityInformation = { label };
  }

  dispose(): void {
    this.item.dispose();
  }
}
