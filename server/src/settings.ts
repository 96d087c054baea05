// Settings that mirror a Nomad client agent, because the same job is valid on one client and refused on
// another: `allow_caps`, the default namespace modes, `chroot_env`, `no_pivot_root`.
import { readAgentConfigFile, type AgentConfig } from './agentConfig';
import { DEFAULT_ALLOW_CAPS, isValidCapability, normalizeCapability } from './schema/capabilities';

/** As written by the user: LSP configuration section `nomadExec`, or CLI flags. All optional. */
export interface NomadExecSettings {
  /** Client `plugin "exec" { config { allow_caps } }`. */
  allowCaps?: string[];
  defaultPidMode?: 'private' | 'host';
  defaultIpcMode?: 'private' | 'host';
  /** Client `chroot_env`: host path -> path inside the task. A non-empty map replaces Nomad's default. */
  chrootEnv?: Record<string, string>;
  noPivotRoot?: boolean;
  /** Path of a Nomad client agent config file (HCL); its exec plugin config and chroot_env are then used. */
  agentConfigFile?: string;
  /** Files larger than this many megabytes are not parsed or checked (the language server says so). */
  maxFileSize?: number;
  /** Seconds of parsing after which the language server gives up on a file (and says so). */
  maxParseTime?: number;
}

/** What checks and the launch planner use: every value decided, capabilities normalised. */
export interface EffectiveSettings {
  /** Normalised capability names (lowercase, no `cap_` prefix); may contain `all`. */
  allowCaps: string[];
  defaultPidMode: 'private' | 'host';
  defaultIpcMode: 'private' | 'host';
  chrootEnv: Record<string, string>;
  noPivotRoot: boolean;
  /** Where the values came from, for messages ("allow_caps from /etc/nomad.d/client.hcl"). */
  origin: { allowCaps: string; chrootEnv: string };
  /** What the language server analyses in full (larger or slower files get a notice instead). */
  limits: AnalysisLimits;
  /** Problems reading the agent config file; reported once, never fatal. */
  problems: string[];
}

export interface AnalysisLimits {
  /** In characters (UTF-16 code units, about bytes for job files). */
  maxFileSize: number;
  maxParseMs: number;
}

/** A few MB: the generated 1 MB job with a thousand groups is analysed in full, a 10 MB one is not. */
export const DEFAULT_MAX_FILE_SIZE_MB = 2;
/** Far above the parse of any file under the size limit (a 2 MB job parses in about a second cold, a few on a loaded machine). */
export const DEFAULT_MAX_PARSE_SECONDS = 8;

/** Nomad's default client chroot_env (client/config DefaultChrootEnv): each host path at the same place. */
export const DEFAULT_CHROOT_ENV: Readonly<Record<string, string>> = Object.freeze({
  '/bin': '/bin',
  '/etc': '/etc',
  '/lib': '/lib',
  '/lib32': '/lib32',
  '/lib64': '/lib64',
  '/run/resolvconf': '/run/resolvconf',
  '/sbin': '/sbin',
  '/usr': '/usr',
  '/run/systemd/resolve': '/run/systemd/resolve',
});

/**
 * Decide every setting. Order, lowest first: Nomad's defaults, the user's settings, the agent config file
 * (it describes the real client, so what it sets wins). A non-empty chroot_env replaces the default map
 * entirely, as on a Nomad client. `readAgentConfig` is only called when `agentConfigFile` is set; problems
 * reading it end up in `problems`, never thrown.
 */
export function resolveSettings(
  user: NomadExecSettings = {},
  readAgentConfig: (path: string) => AgentConfig = readAgentConfigFile,
): EffectiveSettings {
  const problems: string[] = [];
  let allowCaps = [...DEFAULT_ALLOW_CAPS];
  let allowOrigin = 'Nomad default';
  let chrootEnv: Record<string, string> = { ...DEFAULT_CHROOT_ENV };
  let chrootOrigin = 'Nomad default';
  let defaultPidMode: 'private' | 'host' = 'private';
  let defaultIpcMode: 'private' | 'host' = 'private';
  let noPivotRoot = false;

  if (Array.isArray(user.allowCaps)) {
    allowCaps = normalizeAllowCaps(user.allowCaps, 'setting nomadExec.allowCaps', problems);
    allowOrigin = 'setting nomadExec.allowCaps';
  }
  if (user.defaultPidMode !== undefined) defaultPidMode = checkMode(user.defaultPidMode, 'defaultPidMode', problems) ?? defaultPidMode;
  if (user.defaultIpcMode !== undefined) defaultIpcMode = checkMode(user.defaultIpcMode, 'defaultIpcMode', problems) ?? defaultIpcMode;
  if (typeof user.noPivotRoot === 'boolean') noPivotRoot = user.noPivotRoot;
  if (user.chrootEnv && typeof user.chrootEnv === 'object' && Object.keys(user.chrootEnv).length > 0) {
    chrootEnv = { ...user.chrootEnv };
    chrootOrigin = 'setting nomadExec.chrootEnv';
  }

  const limits: AnalysisLimits = {
    maxFileSize: Math.round(positiveSetting(user.maxFileSize, 'maxFileSize', DEFAULT_MAX_FILE_SIZE_MB, problems) * 1024 * 1024),
    maxParseMs: positiveSetting(user.maxParseTime, 'maxParseTime', DEFAULT_MAX_PARSE_SECONDS, problems) * 1000,
  };

  const file = typeof user.agentConfigFile === 'string' ? user.agentConfigFile.trim() : '';
  if (file) {
    let agent: AgentConfig;
    try {
      agent = readAgentConfig(file);
    } catch (error) {
      agent = { problems: [`cannot read agent config file ${file}: ${(error as Error).message}`] };
    }
    problems.push(...agent.problems);
    if (agent.allowCaps) {
      allowCaps = normalizeAllowCaps(agent.allowCaps, file, problems);
      allowOrigin = file;
    }
    if (agent.defaultPidMode) defaultPidMode = agent.defaultPidMode;
    if (agent.defaultIpcMode) defaultIpcMode = agent.defaultIpcMode;
    if (agent.noPivotRoot !== undefined) noPivotRoot = agent.noPivotRoot;
    if (agent.chrootEnv && Object.keys(agent.chrootEnv).length > 0) {
      chrootEnv = agent.chrootEnv;
      chrootOrigin = file;
    }
  }

  return {
    allowCaps,
    defaultPidMode,
    defaultIpcMode,
    chrootEnv,
    noPivotRoot,
    origin: { allowCaps: allowOrigin, chrootEnv: chrootOrigin },
    limits,
    problems,
  };
}

function normalizeAllowCaps(raw: readonly unknown[], origin: string, problems: string[]): string[] {
  const out: string[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'string') {
      problems.push(`${origin}: allow_caps entries must be strings`);
      continue;
    }
    if (!isValidCapability(entry)) problems.push(`${origin}: "${entry}" is not a Linux capability name`);
    else out.push(normalizeCapability(entry));
  }
  return out;
}

function positiveSetting(value: unknown, name: string, fallback: number, problems: string[]): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  problems.push(`setting nomadExec.${name} must be a number of at least 0, not ${JSON.stringify(value)}`);
  return fallback;
}

function checkMode(value: unknown, name: string, problems: string[]): 'private' | 'host' | undefined {
  if (value === 'private' || value === 'host') return value;
  problems.push(`setting nomadExec.${name} must be "private" or "host", not ${JSON.stringify(value)}`);
  return undefined;
}
