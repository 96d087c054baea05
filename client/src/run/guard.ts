// Why a run may be refused before anything starts: an untrusted workspace, or a system without Linux's
// namespaces. Language features are unaffected by both.
import * as vscode from 'vscode';

export function refusalReason(platform: NodeJS.Platform = process.platform): string | undefined {
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
  return undefined;
}
