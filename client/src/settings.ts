// Reads the `nomadExec.*` settings for one resource. The language server receives the same section through
// the language client; this copy is for local runs, which happen in the extension host.
//
// Settings that name a program to execute or widen what a task may do are `machine` scoped in package.json:
// VS Code ignores them in workspace and folder settings, so a repository's `.vscode/settings.json` cannot set
// them, trusted or not. They are read here from the user's own settings only (inspect().globalValue), so the
// rule holds even if a future VS Code or another host merged them differently.
import * as vscode from 'vscode';
import type { NomadExecSettings } from '../../server/src/settings';
import { MACHINE_SETTINGS } from './machineSettings';

export { MACHINE_SETTINGS };

export const settingsSection = 'nomadExec';


export interface RunSettings {
  /** Client agent settings, handed to the planner as they are. */
  agent: NomadExecSettings;
  launcherPath?: string;
  variables: Record<string, string>;
  varFiles: string[];
  /** `varFiles` comes from the workspace's or a folder's settings (a repository's), not the user's own. */
  varFilesFromWorkspace: boolean;
  allocDir?: string;
  /** `allocDir` comes from the workspace's or a folder's settings: the runner holds it to the workspace folder. */
  allocDirFromWorkspace: boolean;
  /** Where alloc dirs go when `allocDir` is empty: the extension's storage, or `.nomad-exec/` in the workspace. */
  allocDirLocation: 'storage' | 'workspace';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}

/** A machine-level setting: the user's settings or the default, whatever a workspace says. */
export function machineSetting<T>(config: vscode.WorkspaceConfiguration, name: (typeof MACHINE_SETTINGS)[number]): T | undefined {
  const inspected = config.inspect<T>(name);
  return inspected?.globalValue !== undefined ? inspected.globalValue : inspected?.defaultValue;
}

/**
 * The `nomadExec` section as the language server gets it, with the machine-level settings replaced by the
 * user's own values (see the header).
 */
export function withMachineSettings(section: unknown, scope?: vscode.Uri): unknown {
  if (!section || typeof section !== 'object') return section;
  const config = vscode.workspace.getConfiguration(settingsSection, scope);
  const out: Record<string, unknown> = { ...(section as Record<string, unknown>) };
  for (const name of MACHINE_SETTINGS) out[name] = machineSetting(config, name);
  return out;
}

/** Whether a setting's value in effect is set by the workspace or one of its folders (any language's too). */
function fromWorkspace(inspected: { workspaceValue?: unknown; workspaceFolderValue?: unknown; workspaceLanguageValue?: unknown; workspaceFolderLanguageValue?: unknown } | undefined): boolean {
  if (!inspected) return false;
  return [inspected.workspaceFolderLanguageValue, inspected.workspaceFolderValue, inspected.workspaceLanguageValue, inspected.workspaceValue].some((value) => value !== undefined);
}

export function readRunSettings(scope: vscode.Uri | undefined): RunSettings {
  const config = vscode.workspace.getConfiguration(settingsSection, scope);
  const allowCaps = machineSetting<string[] | null>(config, 'allowCaps');
  const chrootEnv = machineSetting<Record<string, string>>(config, 'chrootEnv') ?? {};
  const agent: NomadExecSettings = {
    allowCaps: Array.isArray(allowCaps) && allowCaps.length > 0 ? allowCaps : undefined,
    defaultPidMode: config.get<'private' | 'host'>('defaultPidMode'),
    defaultIpcMode: config.get<'private' | 'host'>('defaultIpcMode'),
    chrootEnv: Object.keys(chrootEnv).length > 0 ? chrootEnv : undefined,
    noPivotRoot: config.get<boolean>('noPivotRoot'),
    agentConfigFile: nonEmpty(machineSetting<string>(config, 'agentConfigFile')),
    userDenylist: machineSetting<string | null>(config, 'userDenylist') ?? undefined,
    allowHostNamespaces: machineSetting<boolean>(config, 'allowHostNamespaces') === true,
    allowRawExec: machineSetting<boolean>(config, 'allowRawExec') === true,
    hostVolumes: machineSetting<NomadExecSettings['hostVolumes']>(config, 'hostVolumes') ?? {},
  };
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.get<Record<string, unknown>>('variables') ?? {})) {
    variables[name] = String(value);
  }
  return {
    agent,
    launcherPath: nonEmpty(machineSetting<string>(config, 'launcherPath')),
    variables,
    varFiles: config.get<string[]>('varFiles') ?? [],
    varFilesFromWorkspace: fromWorkspace(config.inspect<string[]>('varFiles')),
    allocDir: nonEmpty(config.get<string>('allocDir')),
    allocDirFromWorkspace: fromWorkspace(config.inspect<string>('allocDir')),
    allocDirLocation: config.get<string>('allocDirLocation') === 'workspace' ? 'workspace' : 'storage',
  };
}
