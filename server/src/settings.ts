// Settings that mirror a Nomad client agent, because the same job is valid on one client and refused on
// another: `allow_caps`, the default namespace modes, `chroot_env`, `no_pivot_root`.

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
  /** Problems reading the agent config file; reported once, never fatal. */
  problems: string[];
}
