// Finds the native launcher: the `nomadExec.launcherPath` setting, or the binary shipped in the extension.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function bundledLauncher(extensionPath: string): string {
  return path.join(extensionPath, 'launcher', 'build', 'nomad-exec-launcher');
}

/** A .vsix does not always keep the executable bit; put it back on our own copy. */
export function ensureExecutable(file: string): void {
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o111) !== 0o111) fs.chmodSync(file, mode | 0o555);
  } catch {
    // Missing binary: the runner reports it with the path it tried.
  }
}
