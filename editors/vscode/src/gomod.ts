// Which go.mod a module-level command (Check for Upgrades, Bump Major Version) acts on.
import * as path from 'path';
import * as vscode from 'vscode';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** True when dir is strictly below root. */
function isInside(dir: string, root: string): boolean {
  const relative = path.relative(root, dir);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The active editor's go.mod; else the nearest go.mod above the active file, up to its
 * workspace folder (or the only folder's go.mod); else the user picks one of the workspace's.
 * Undefined when there is none or the user cancels (the user has been told).
 */
export async function pickGoMod(title: string): Promise<vscode.Uri | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  if (document && document.uri.scheme === 'file') {
    if (document.languageId === 'go.mod' || path.basename(document.uri.fsPath) === 'go.mod') {
      return document.uri;
    }
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder =
    (document && vscode.workspace.getWorkspaceFolder(document.uri)) ??
    (folders.length === 1 ? folders[0] : undefined);
  if (folder) {
    // Walk up from the active file's directory (a nested module's file belongs to its go.mod).
    let dir = document && document.uri.scheme === 'file' ? path.dirname(document.uri.fsPath) : '';
    const root = folder.uri.fsPath;
    while (isInside(dir, root)) {
      const candidate = vscode.Uri.file(path.join(dir, 'go.mod'));
      if (await exists(candidate)) {
        return candidate;
      }
      dir = path.dirname(dir);
    }
    const candidate = vscode.Uri.joinPath(folder.uri, 'go.mod');
    if (await exists(candidate)) {
      return candidate;
    }
  }
  const found = await vscode.workspace.findFiles('**/go.mod', '**/vendor/**', 500);
  if (found.length === 0) {
    void vscode.window.showInformationMessage(
      `"${title}" needs a go.mod file: this workspace has none.`,
    );
    return undefined;
  }
  if (found.length === 1) {
    return found[0];
  }
  const items = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: `${title}: which go.mod?`,
  });
  return picked?.uri;
}
