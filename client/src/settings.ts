// Reads the `nomadExec.*` settings for one resource. The language server receives the same section through
// the language client; this copy is for local runs, which happen in the extension host.
import * as vscode from 'vscode';
import type { NomadExecSettings } from '../../server/src/settings';

export const settingsSection = 'nomadExec';

export interface RunSettings {
  /** Client agent settings, handed to the planner as they are. */
  agent: NomadExecSettings;
  launcherPath?: string;
  variables: Record<string, string>;
  varFiles: string[];
  allocDir?: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}

export function readRunSettings(scope: vscode.Uri | undefined): RunSettings {
  const config = vscode.workspace.getConfiguration(settingsSection, scope);
  const allowCaps = config.get<string[] | null>('allowCaps');
  const chrootEnv = config.get<Record<string, string>>('chrootEnv') ?? {};
  const agent: NomadExecSettings = {
    allowCaps: Array.isArray(allowCaps) && allowCaps.length > 0 ? allowCaps : undefined,
    defaultPidMode: config.get<'private' | 'host'>('defaultPidMode'),
    defaultIpcMode: config.get<'private' | 'host'>('defaultIpcMode'),
    chrootEnv: Object.keys(chrootEnv).length > 0 ? chrootEnv : undefined,
    noPivotRoot: config.get<boolean>('noPivotRoot'),
    agentConfigFile: nonEmpty(config.get<string>('agentConfigFile')),
  };
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.get<Record<string, unknown>>('variables') ?? {})) {
    variables[name] = String(value);
  }
  return {
    agent,
    launcherPath: nonEmpty(config.get<string>('launcherPath')),
    variables,
    varFiles: config.get<string[]>('varFiles') ?? [],
    allocDir: nonEmpty(config.get<string>('allocDir')),
  };
}
