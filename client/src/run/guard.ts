// Why a run may be refused before anything starts: an untrusted workspace, a system without Linux's
// namespaces, or the universal build of the extension, which carries no launcher. Language features are
// unaffected by all three.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** `bundledLauncher`: the shipped launcher's path when no `nomadExec.launcherPath` replaces it. */
export function refusalReason(platform: NodeJS.Platform = process.platform, bundledLauncher?: string): string | undefined {
  if (!vscode.workspace.isTrusted) {
    return (
      'Running a task is turned off in Restricted Mode: a job file can start any program on this machine. ' +
      'Trust this workspace (Manage Workspace Trust) to run tasks; checking, hover and completion keep working meanwhile.'
    );
  }
  if (platform !== 'linux') {
    return (
      "Running a task locally needs Linux: the exec driver isolates a task with Linux namespaces, a chroot and capabilities, " +
      `which ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform} does not have. ` +
      'Checking, hover and completion work here; run the task on a Linux machine or in a Linux VM or container.'
    );
  }
  if (bundledLauncher !== undefined && !fs.existsSync(bundledLauncher)) {
    return (
      `This copy of the extension is the universal build, made for editing: it carries no task launcher for linux-${process.arch}. ` +
      'Install the linux-x64 or linux-arm64 build of the extension (the Marketplace picks it for you), or point ' +
      '`nomadExec.launcherPath` in your user settings at a nomad-exec-launcher you built (`make -C launcher`). ' +
      'Checking, hover and completion work meanwhile.'
    );
  }
  return undefined;
}
