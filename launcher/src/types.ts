// The launch plan: everything needed to run a job's exec tasks locally, as plain JSON data. It is computed
// by plan.ts from the job model, the chosen task(s), the variable values and the settings, printed by
// `nomad-exec run --plan`, and carried out by runGroup.ts (artifacts, templates, launcher, logs).
// Every path in it is absolute. "Host path" means a path on this machine; "task path" a path as the task
// sees it inside its chroot.

/** A whole run: one alloc dir, one or more tasks of one group. */
export interface LaunchPlan {
  /** Format version of this data; bumped when a field changes meaning. */
  version: 1;
  jobFile: string;
  jobId: string;
  jobName: string;
  group: string;
  /** Tasks in the order they are planned (the file's order); lifecycle decides the start order. */
  tasks: TaskPlan[];
  /** A fresh UUID (v4) per run. */
  allocId: string;
  /** `<alloc root>/<alloc id>`: holds `alloc/` (shared) and one dir per task. */
  allocDir: string;
  /** The folder that holds many alloc dirs and is pruned to `keepAllocs` entries; absent for a given dir. */
  allocRoot?: string;
  /**
   * Set when a workspace named where the alloc dir goes (api.ts allocDirWithin): the workspace folder that
   * must hold it. Checked at plan time with links resolved; createAllocDir reaches the folder from here one
   * name at a time without following a link, so a name swapped for a link after the plan is refused.
   */
  allocWithin?: string;
  keepAllocs: number;
  /** `<allocDir>/alloc`, the group's shared dir, mounted at /alloc in every task. */
  sharedDir: string;
  /** Ports of the group `network` block, decided at plan time (dynamic ones are free local ports). */
  ports: PortPlan[];
  /** Non-exec tasks of the group that are left out, with why. */
  skipped: { task: string; reason: string }[];
  /** Things worth telling the user that do not stop the run. */
  notices: string[];
}

export interface PortPlan {
  label: string;
  /** The port the task binds on this machine. */
  value: number;
  /** The `to` port (NOMAD_ALLOC_PORT_*); equals `value` when `to` is unset. */
  to: number;
  static: boolean;
  ip: string;
}

export type LifecycleHook = 'prestart' | 'poststart' | 'poststop' | 'main';

export interface TaskPlan {
  name: string;
  driver: string;
  lifecycle: { hook: LifecycleHook; sidecar: boolean };
  /** `leader = true`: when it ends, the group's other tasks are stopped. */
  leader: boolean;
  /** `<allocDir>/<task>`: becomes `/` for the task. */
  taskDir: string;
  /** Host paths of the task dir layout (section 4 of the exec reference). */
  dirs: { local: string; tmp: string; secrets: string; private: string; alloc: string; logs: string };
  /** `chroot_env` as binds: host path -> task path, read-only; only host paths that exist. */
  chrootBinds: { host: string; task: string }[];
  /** Where the binds came from (default, settings, agent config file). */
  chrootOrigin: string;
  /** `volume_mount`s of host volumes, bound after chroot_env (and looked up through, like it). */
  volumeMounts: VolumeMountPlan[];
  /** The final environment (section 6 precedence), without the `env = true` template output yet. */
  env: Record<string, string>;
  /** `command` and `args` after HCL2 interpolation. */
  command: string;
  args: string[];
  /** Result of command lookup (section 5); `pending` when only artifacts or templates can provide it. */
  lookup: CommandLookup;
  /** Task path of the working directory (config `work_dir`, default `/`). */
  workDir: string;
  /** `nobody` unless `user` says otherwise. */
  user: string;
  /** Normalised capability names the task gets (section 3 "Applying"). */
  capabilities: string[];
  pidMode: 'private' | 'host';
  ipcMode: 'private' | 'host';
  noPivotRoot: boolean;
  killSignal: string;
  /** Milliseconds. */
  killTimeoutMs: number;
  resources: { cpu: number; cores?: number; memoryMB: number; memoryMaxMB: number };
  logs: { disabled: boolean; maxFiles: number; maxFileSizeMB: number };
  artifacts: ArtifactPlan[];
  templates: TemplatePlan[];
  /** Where the task and its command are written in the job file, for failures found only as it starts. */
  places?: { task: SourceRange; command?: SourceRange };
}

/** A range in the job file, 0-based lines and characters (as the editor counts). */
export interface SourceRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface VolumeMountPlan {
  /** The group's `volume` block label. */
  volume: string;
  /** The host volume's name (the volume's `source`). */
  source: string;
  hostPath: string;
  /** Absolute path inside the task. */
  taskPath: string;
  /** When the host volume, the volume or the mount says so. */
  readOnly: boolean;
  /** Where the host volume is defined (agent config file or setting), for messages. */
  origin: string;
}

export type CommandLookup =
  | {
      state: 'found';
      /** argv[0] as the task sees it. */
      taskPath: string;
      /** The real file on this machine (through the chroot binds). */
      hostPath: string;
      /** Every place tried, in order, up to and including the hit. */
      tried: string[];
    }
  | { state: 'pending'; reason: string; tried: string[] };

export interface ArtifactPlan {
  /** As written, after simple `${name}` interpolation. */
  source: string;
  kind: 'http' | 'file';
  /** The URL (http) or absolute host path (file) that is fetched, query options removed. */
  location: string;
  /** For a local source: the job file's folder, the only place it may be read from (checked again at fetch). */
  jobFolder?: string;
  /** File name the download gets (last path element of the source). */
  fileName: string;
  /** How it will be unpacked; absent when it is not an archive or `archive = false`. */
  archiveType?: 'tar' | 'tar.gz' | 'tar.bz2' | 'tar.xz' | 'zip' | 'gz' | 'bz2' | 'xz';
  /** Host path of the destination dir (or file when mode = "file"). */
  destination: string;
  /** Task path of the destination, for messages. */
  destinationInTask: string;
  mode: 'any' | 'file' | 'dir';
  archive: boolean;
  checksum?: { algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512'; hex: string };
  headers: Record<string, string>;
  /** The artifact block in the job file. */
  place?: SourceRange;
}

export interface TemplatePlan {
  /** Index among the task's templates (1-based, as people count) for messages. */
  index: number;
  /** Host path of the `source` file, when the template reads one. */
  source?: string;
  /** For a relative `source`: the same path next to the job file, read when the task dir has no such file. */
  sourceNearJobFile?: string;
  /** The job file's folder: `sourceNearJobFile` is read only inside it (links resolved). */
  jobFolder?: string;
  /** Inline `data`, when given. */
  data?: string;
  /** Host path the output is written to. */
  destination: string;
  destinationInTask: string;
  /** Octal mode, e.g. 0o644. */
  perms: number;
  leftDelimiter: string;
  rightDelimiter: string;
  /** Output feeds the task's environment (KEY=VALUE lines). */
  env: boolean;
  errorOnMissingKey: boolean;
  /** Line in the job file where the template's text starts (1-based), so template errors point at the file. */
  jobFileLine: number;
  /** The template block in the job file. */
  place?: SourceRange;
}
