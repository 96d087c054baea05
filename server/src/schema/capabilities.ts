// Linux capabilities as the exec driver sees them (reference section 3): the names Nomad knows, its default
// allow_caps, the fixed list used for `user = "root"`, name normalisation, and the arithmetic that decides
// a task's capability set. Hover, completion, checks and the launcher all use this one file.

/** The 41 capability names Nomad accepts (lowercase, without the `cap_` prefix), each with what it permits. */
export const CAPABILITIES: ReadonlyArray<{ name: string; doc: string }> = [
  { name: 'chown', doc: 'Change the owner and group of any file.' },
  { name: 'dac_override', doc: 'Read, write and execute files regardless of their permission bits.' },
  { name: 'dac_read_search', doc: 'Read any file and list any directory regardless of permission bits.' },
  { name: 'fowner', doc: 'Act as the owner of any file (chmod, utime, set ACLs) without owning it.' },
  { name: 'fsetid', doc: 'Keep set-user-ID and set-group-ID bits when a file is modified; set the group ID bit freely.' },
  { name: 'kill', doc: 'Send signals to processes of other users.' },
  { name: 'setgid', doc: 'Switch to any group ID and set supplementary groups.' },
  { name: 'setuid', doc: 'Switch to any user ID.' },
  { name: 'setpcap', doc: 'Change the capability bounding set and pass capabilities on to other processes.' },
  { name: 'linux_immutable', doc: 'Set or clear the immutable and append-only file attributes.' },
  { name: 'net_bind_service', doc: 'Listen on ports below 1024.' },
  { name: 'net_broadcast', doc: 'Send broadcasts and listen to multicast.' },
  { name: 'net_admin', doc: 'Configure network interfaces, routes, firewall rules and other network settings.' },
  { name: 'net_raw', doc: 'Open raw and packet sockets (ping, packet capture, crafted packets).' },
  { name: 'ipc_lock', doc: 'Lock memory so it is never swapped out (mlock, huge pages).' },
  { name: 'ipc_owner', doc: 'Bypass permission checks on System V IPC objects.' },
  { name: 'sys_module', doc: 'Load and unload kernel modules.' },
  { name: 'sys_rawio', doc: 'Raw I/O on devices and ports (iopl, ioperm, /dev/mem).' },
  { name: 'sys_chroot', doc: 'Call chroot and change mount namespaces with setns.' },
  { name: 'sys_ptrace', doc: 'Trace and inspect any process (ptrace, process_vm_readv).' },
  { name: 'sys_pacct', doc: 'Turn process accounting on or off.' },
  { name: 'sys_admin', doc: 'A broad set of administration operations: mount, swapon, sethostname, namespaces and many more.' },
  { name: 'sys_boot', doc: 'Reboot the machine or load a new kernel.' },
  { name: 'sys_nice', doc: 'Raise process priority, set real-time scheduling and CPU affinity of any process.' },
  { name: 'sys_resource', doc: 'Exceed resource limits and quotas; raise hard rlimits.' },
  { name: 'sys_time', doc: 'Set the system clock.' },
  { name: 'sys_tty_config', doc: 'Configure terminals (vhangup and some ioctls).' },
  { name: 'mknod', doc: 'Create device files with mknod.' },
  { name: 'lease', doc: 'Take file leases on files the process does not own.' },
  { name: 'audit_write', doc: 'Write records to the kernel audit log.' },
  { name: 'audit_control', doc: 'Enable or disable kernel auditing and change its rules.' },
  { name: 'setfcap', doc: 'Set file capabilities on executables.' },
  { name: 'mac_override', doc: 'Override a mandatory access control policy (Smack).' },
  { name: 'mac_admin', doc: 'Change mandatory access control configuration (Smack).' },
  { name: 'syslog', doc: 'Read and control the kernel log (syslog, dmesg).' },
  { name: 'wake_alarm', doc: 'Set timers that wake the system from suspend.' },
  { name: 'block_suspend', doc: 'Prevent the system from suspending.' },
  { name: 'audit_read', doc: 'Read the kernel audit log through a multicast netlink socket.' },
  { name: 'perfmon', doc: 'Use performance monitoring (perf_event_open) without sys_admin.' },
  { name: 'bpf', doc: 'Load BPF programs and create BPF maps.' },
  { name: 'checkpoint_restore', doc: 'Checkpoint and restore processes (set PIDs, read /proc of others for CRIU).' },
];

export const CAPABILITY_NAMES: ReadonlySet<string> = new Set(CAPABILITIES.map((c) => c.name));

/** Nomad's default allow_caps: Docker's default set without net_raw. */
export const DEFAULT_ALLOW_CAPS: readonly string[] = [
  'audit_write', 'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'mknod',
  'net_bind_service', 'setfcap', 'setgid', 'setpcap', 'setuid', 'sys_chroot',
];

/** What a task running as the literal user `root` gets, whatever cap_add/cap_drop say: all names up to audit_read. */
export const LEGACY_ROOT_CAPS: readonly string[] = CAPABILITIES.slice(0, CAPABILITIES.findIndex((c) => c.name === 'audit_read') + 1).map((c) => c.name);

export function capabilityDoc(name: string): string | undefined {
  const normal = normalizeCapability(name);
  return CAPABILITIES.find((c) => c.name === normal)?.doc;
}

/** Nomad's normalisation: trim, lowercase, strip one leading `cap_`. `all` stays `all`. */
export function normalizeCapability(raw: string): string {
  const lower = raw.trim().toLowerCase();
  return lower.startsWith('cap_') ? lower.slice(4) : lower;
}

/** True for a known name or `all`, after normalisation. */
export function isValidCapability(raw: string): boolean {
  const name = normalizeCapability(raw);
  return name === 'all' || CAPABILITY_NAMES.has(name);
}

/** Levenshtein distance, small and allocation-light; names are short. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate nearest to `word`, when it is near enough to be a plausible typo. */
export function nearestName(word: string, candidates: Iterable<string>): string | undefined {
  const target = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(target, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  // Allow roughly one mistake per three characters, at least two; a prefix also counts.
  const limit = Math.max(2, Math.floor(target.length / 3));
  if (bestDistance <= limit) return best;
  for (const candidate of candidates) {
    if (target.length >= 3 && (candidate.startsWith(target) || target.startsWith(candidate))) return candidate;
  }
  return undefined;
}

/** The nearest capability name to a misspelled one (normalised input, normalised result). */
export function nearestCapability(raw: string): string | undefined {
  return nearestName(normalizeCapability(raw), [...CAPABILITY_NAMES, 'all']);
}

export interface CapabilityInput {
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  /** The client's allow_caps, as written or normalised; defaults to Nomad's default list. */
  allowCaps?: readonly string[];
  /** The task's `user`; only the literal `root` changes the outcome. */
  user?: string;
}

export type CapabilityResult =
  | {
      ok: true;
      /** Sorted, normalised names the task will hold. */
      capabilities: string[];
      /** True when the legacy root list was used (user = "root"). */
      legacyRoot: boolean;
    }
  | {
      ok: false;
      /** cap_add entries (as written) that allow_caps does not permit. */
      refused: string[];
      /** cap_add/cap_drop entries (as written) that are not capability names at all. */
      unknown: string[];
    };

/**
 * The task's capability set exactly as reference section 3 describes: validate names; refuse cap_add
 * entries outside allow_caps (`all` in cap_add needs `all` in allow_caps); start from the default list
 * intersected with allow_caps; remove cap_drop; add cap_add. For `user = "root"` the inputs are still
 * validated but the fixed legacy list is what the task gets.
 */
// Normalised once per allow_caps list (the settings' list is one object while the settings are the same),
// with the names it was made from: a list changed in place is normalised again.
const allowSets = new WeakMap<readonly string[], { names: readonly string[]; set: ReadonlySet<string> }>();

function allowSetOf(allowCaps: readonly string[]): ReadonlySet<string> {
  const known = allowSets.get(allowCaps);
  if (known && known.names.length === allowCaps.length && known.names.every((name, i) => name === allowCaps[i])) return known.set;
  const set = new Set(allowCaps.map(normalizeCapability));
  allowSets.set(allowCaps, { names: allowCaps.slice(), set });
  return set;
}

export function computeTaskCapabilities(input: CapabilityInput): CapabilityResult {
  const allow = allowSetOf(input.allowCaps ?? DEFAULT_ALLOW_CAPS);
  const allowAll = allow.has('all');
  const unknown: string[] = [];
  const refused: string[] = [];
  for (const raw of [...(input.capAdd ?? []), ...(input.capDrop ?? [])]) {
    if (!isValidCapability(raw)) unknown.push(raw);
  }
  for (const raw of input.capAdd ?? []) {
    const name = normalizeCapability(raw);
    if (!isValidCapability(raw)) continue;
    if (allowAll) continue;
    // Nomad compares sets: `all` in cap_add is only covered by `all` in allow_caps.
    if (!allow.has(name)) refused.push(raw);
  }
  if (unknown.length > 0 || refused.length > 0) return { ok: false, refused, unknown };

  const set = new Set(DEFAULT_ALLOW_CAPS.filter((name) => allowAll || allow.has(name)));
  for (const raw of input.capDrop ?? []) {
    const name = normalizeCapability(raw);
    if (name === 'all') set.clear();
    else set.delete(name);
  }
  for (const raw of input.capAdd ?? []) {
    const name = normalizeCapability(raw);
    if (name === 'all') CAPABILITY_NAMES.forEach((n) => set.add(n));
    else set.add(name);
  }
  if (input.user === 'root') return { ok: true, capabilities: [...LEGACY_ROOT_CAPS].sort(), legacyRoot: true };
  return { ok: true, capabilities: [...set].sort(), legacyRoot: false };
}
