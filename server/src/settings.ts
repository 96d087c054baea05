// Settings that mirror a Nomad client agent, because the same job is valid on one client and refused on
// another: `allow_caps`, the default namespace modes, `chroot_env`, `no_pivot_root`, the `user.denylist`.
// Also the local runner's own permission to share host namespaces, which no job file can grant itself.
import { readAgentConfigFile, readAgentConfigFileLater, type AgentConfig, type HostVolume } from './agentConfig';
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
  /**
   * Client `options { "user.denylist" }` as a comma-separated list (`""` denies nobody). A machine-level
   * setting: a workspace must not be able to let its own job run as root.
   */
  userDenylist?: string | null;
  /**
   * Local runs may share the host's PID or IPC namespace (`pid_mode`/`ipc_mode = "host"`). A machine-level
   * setting (or `--allow-host-namespaces`): the developer's decision, never the job file's.
   */
  allowHostNamespaces?: boolean;
  /**
   * Local runs may start `raw_exec` tasks, which run with no isolation at all, as the developer. A
   * machine-level setting (or `--allow-raw-exec`), as a Nomad client must enable the raw_exec plugin.
   */
  allowRawExec?: boolean;
  /**
   * Host volumes by name -> host path, or { path, readOnly }: what a client's `host_volume` blocks offer.
   * A machine-level setting: a job only names a volume, never a host path. An agent config file's wins.
   */
  hostVolumes?: Record<string, string | { path?: string; readOnly?: boolean }>;
  /** Editor only: inlay hints with the value of `var.*` and `local.*` uses (off by default). */
  inlayHints?: { values?: boolean };
  /**
   * Path of a JSON file answering the template preview's Consul, Vault and Nomad calls, keyed `name "arg"`
   * (as `nomad-exec render --template-values`). A machine-level setting: a workspace does not choose which
   * file of this machine the preview reads.
   */
  templateValues?: string | null;
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
  /** Users an exec task may not run as (client `user.denylist`, default `root,Administrator`). */
  userDenylist: string[];
  /** Drivers the denylist applies to (client `user.checked_drivers`, default `exec,qemu,java`). */
  userCheckedDrivers: string[];
  /** Whether a local run may share the host PID/IPC namespace (never from a job or workspace). */
  allowHostNamespaces: boolean;
  /** Whether a local run may start raw_exec tasks (never from a job or workspace). */
  allowRawExec: boolean;
  /** Host volumes local runs can mount, by name (settings, then the agent config file's host_volume blocks). */
  hostVolumes: Record<string, HostVolume & { origin: string }>;
  /** Where the values came from, for messages ("allow_caps from /etc/nomad.d/client.hcl"). */
  origin: { allowCaps: string; chrootEnv: string; userDenylist: string };
  /** What the language server analyses in full (larger or slower files get a notice instead). */
  limits: AnalysisLimits;
  /** Problems of the settings and the agent config file; the editor reports them once. */
  problems: string[];
  /**
   * Why the agent config file named could not be used at all (unread or unparsed). The editor reports it
   * with the rest; a local run is refused, as it could enforce only Nomad's defaults, not that client's.
   */
  agentConfigUnread?: string;
  /** Editor only: show the evaluated value of `var.*` and `local.*` uses as inlay hints. */
  inlayValues: boolean;
  /** Editor only: the values file of the template preview (nomadExec.templateValues), when set. */
  templateValues?: string;
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

/** Client `user.denylist` default (client/config DefaultUserDenylist). */
export const DEFAULT_USER_DENYLIST: readonly string[] = Object.freeze(['root', 'Administrator']);
/** Client `user.checked_drivers` default (client/config DefaultUserCheckedDrivers). */
export const DEFAULT_USER_CHECKED_DRIVERS: readonly string[] = Object.freeze(['exec', 'qemu', 'java']);
/** The setting that lets local runs share host namespaces, named in refusals. */
export const HOST_NAMESPACES_SETTING = 'nomadExec.allowHostNamespaces';
/** The setting that lets local runs start raw_exec tasks, named in refusals. */
export const RAW_EXEC_SETTING = 'nomadExec.allowRawExec';

/**
 * Whether two resolved settings say the same (plain data: records compared by their keys, whatever their
 * order). A settings pull answered with what the server already had then keeps the object, and with it every
 * analysis made under it: the documents analysed while the answer was on its way are published as they are,
 * not analysed again (a 1 MB job opened at start would have waited for a second analysis).
 */
export function sameSettings(a: EffectiveSettings, b: EffectiveSettings): boolean {
  return samePlain(a, b);
}

function samePlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && samePlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

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
  let userDenylist = [...DEFAULT_USER_DENYLIST];
  let userCheckedDrivers = [...DEFAULT_USER_CHECKED_DRIVERS];
  let denylistOrigin = 'Nomad default';
  const hostVolumes: EffectiveSettings['hostVolumes'] = {};
  for (const [volume, entry] of Object.entries(user.hostVolumes && typeof user.hostVolumes === 'object' ? user.hostVolumes : {})) {
    const hostPath = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? entry.path : undefined;
    if (typeof hostPath !== 'string' || !hostPath.startsWith('/')) {
      problems.push(`setting nomadExec.hostVolumes: volume "${volume}" needs an absolute host path`);
      continue;
    }
    hostVolumes[volume] = { path: hostPath, readOnly: typeof entry === 'object' && entry.readOnly === true, origin: 'setting nomadExec.hostVolumes' };
  }

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
  if (typeof user.userDenylist === 'string') {
    userDenylist = user.userDenylist.trim() === '' ? [] : user.userDenylist.split(',').map((e) => e.trim());
    denylistOrigin = 'setting nomadExec.userDenylist';
  } else if (user.userDenylist !== undefined && user.userDenylist !== null) {
    problems.push('setting nomadExec.userDenylist must be a comma-separated string of user names');
  }

  const limits: AnalysisLimits = {
    maxFileSize: Math.round(positiveSetting(user.maxFileSize, 'maxFileSize', DEFAULT_MAX_FILE_SIZE_MB, problems) * 1024 * 1024),
    maxParseMs: positiveSetting(user.maxParseTime, 'maxParseTime', DEFAULT_MAX_PARSE_SECONDS, problems) * 1000,
  };

  const file = agentConfigFileOf(user);
  let agentConfigUnread: string | undefined;
  if (file) {
    let agent: AgentConfig;
    try {
      agent = readAgentConfig(file);
    } catch (error) {
      agent = { problems: [`cannot read agent config file ${file}: ${(error as Error).message}`], unread: true };
    }
    problems.push(...agent.problems);
    if (agent.unread) agentConfigUnread = agent.problems.join('; ');
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
    if (agent.userDenylist) {
      userDenylist = agent.userDenylist;
      denylistOrigin = file;
    }
    if (agent.userCheckedDrivers) userCheckedDrivers = agent.userCheckedDrivers;
    for (const [volume, hostVolume] of Object.entries(agent.hostVolumes ?? {})) hostVolumes[volume] = { ...hostVolume, origin: file };
  }

  return {
    allowCaps,
    defaultPidMode,
    defaultIpcMode,
    chrootEnv,
    noPivotRoot,
    userDenylist,
    userCheckedDrivers,
    allowHostNamespaces: user.allowHostNamespaces === true,
    allowRawExec: user.allowRawExec === true,
    hostVolumes,
    origin: { allowCaps: allowOrigin, chrootEnv: chrootOrigin, userDenylist: denylistOrigin },
    limits,
    problems,
    ...(agentConfigUnread !== undefined ? { agentConfigUnread } : {}),
    inlayValues: user.inlayHints?.values === true,
    ...(typeof user.templateValues === 'string' && user.templateValues.trim() !== '' ? { templateValues: user.templateValues } : {}),
  };
}

/** The agent config file the settings name, or '' for none. */
function agentConfigFileOf(user: NomadExecSettings): string {
  return typeof user.agentConfigFile === 'string' ? user.agentConfigFile.trim() : '';
}

/**
 * As resolveSettings, with the agent config file read off the thread (the language server's: one on a hung
 * mount holds no request, and is given up on with a problem after DISK_WAIT_MS).
 */
export async function resolveSettingsLater(user: NomadExecSettings = {}): Promise<EffectiveSettings> {
  const file = agentConfigFileOf(user);
  const agent = file ? await readAgentConfigFileLater(file) : { problems: [] };
  return resolveSettings(user, () => agent);
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

/**
 * Why the client refuses to run `driver` as `user`, or undefined when it does not. The one text for the
 * editor's diagnostic and the runner's refusal.
 */
export function userDeniedMessage(user: string, driver: string, settings: EffectiveSettings): string | undefined {
  if (!settings.userCheckedDrivers.includes(driver) || !settings.userDenylist.includes(user)) return undefined;
  const list = `\`user.denylist\` is "${settings.userDenylist.join(',')}"`;
  if (settings.origin.userDenylist === 'Nomad default') {
    return `A default client refuses to run an ${driver} task as "${user}": its ${list}. Only an operator can allow it, by setting client { options = { "user.denylist" = "..." } } in the agent config without "${user}".`;
  }
  return `The client refuses to run an ${driver} task as "${user}": its ${list} (from ${settings.origin.userDenylist}). Only an operator can allow it, by leaving "${user}" out of that list.`;
}
