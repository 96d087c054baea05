// Why a run may be refused before anything starts: an untrusted workspace, a system without Linux's
// namespaces, or the universal build of the extension, which carries no launcher. Language features are
// unaffected by all three.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

const UNTRUSTED_TITLE = 'Running a task is turned off in Restricted Mode';
const UNTRUSTED_DETAIL =
  'A job file can start any program on this machine. Trust this workspace (Manage Workspace Trust) to run tasks; ' +
  'checking, hover and completion keep working meanwhile.';
const MANAGE_TRUST = { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' };

/** `bundledLauncher`: the shipped launcher's path when no `nomadExec.launcherPath` replaces it. */
export function refusalReason(platform: NodeJS.Platform = process.platform, bundledLauncher?: string): string | undefined {
  if (!vscode.workspace.isTrusted) return `${UNTRUSTED_TITLE}: ${UNTRUSTED_DETAIL}`;
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

/** What the last refusal showed the user (read by the end-to-end tests through the extension's API). */
export interface ShownRefusal {
  message: string;
  detail: string;
  modal: boolean;
  actions: { title: string; command: string }[];
}

let lastShown: ShownRefusal | undefined;

export function lastRefusalShown(): ShownRefusal | undefined {
  return lastShown;
}

/**
 * Tells the user why a run they asked for does not start: a modal dialog (they just asked, and the reason is
 * several sentences that a toast would cut to one line), with "Manage Workspace Trust" when trust is missing.
 * Not awaited by the commands: their result is the refusal, whatever the user then does with the dialog.
 */
export async function showRefusal(reason: string): Promise<void> {
  const untrusted = !vscode.workspace.isTrusted;
  const shown: ShownRefusal = untrusted
    ? { message: UNTRUSTED_TITLE, detail: UNTRUSTED_DETAIL, modal: true, actions: [MANAGE_TRUST] }
    : { message: 'This task cannot run here', detail: reason, modal: true, actions: [] };
  lastShown = shown;
  try {
    const picked = await vscode.window.showWarningMessage(shown.message, { modal: shown.modal, detail: shown.detail }, ...shown.actions.map((a) => a.title));
    const action = shown.actions.find((a) => a.title === picked);
    if (action) await vscode.commands.executeCommand(action.command);
  } catch {
    // The workbench refuses dialogs while extension tests run; the command's result still carries the reason.
  }
}

/**
 * The run commands' answer in Restricted Mode, before anything is asked or planned: the refusal, shown to the
 * user. undefined when the workspace is trusted.
 */
export function refuseUntrusted(): { refused: string } | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const refused = refusalReason()!;
  void showRefusal(refused);
  return { refused };
}
