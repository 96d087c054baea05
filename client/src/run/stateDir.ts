// Where local runs keep their alloc dirs by default: the extension's storage for this workspace, out of the
// workspace (and of its Explorer and `git status`). A window without a folder uses the global storage; a
// host whose storage is not on this disk uses the user's state folder, as the CLI's XDG neighbours do.
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';

export function userStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'state'), 'nomad-exec');
}

export function runStateDir(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): string {
  for (const uri of [context.storageUri, context.globalStorageUri]) {
    if (uri?.scheme === 'file') return uri.fsPath;
  }
  return userStateDir();
}
