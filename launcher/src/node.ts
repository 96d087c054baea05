// This machine described as a Nomad client node: `node.*`, `attr.*` and `meta.*` for interpolation.
// Values follow the fingerprinters' names and formats (e.g. `cpu.arch` uses Go's names: amd64, arm64).
import * as fs from 'fs';
import * as os from 'os';

export interface LocalNode {
  /** `node.unique.id`, `node.unique.name`, `node.datacenter`, `node.region`, `node.class`, `node.pool`. */
  node: Record<string, string>;
  /** `attr.*` without the prefix, e.g. `kernel.name`. */
  attr: Record<string, string>;
  /** Client `meta` (empty locally unless given). */
  meta: Record<string, string>;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

function machineId(): string {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = fs.readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{32}$/.test(id)) return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
    } catch {
      // try the next
    }
  }
  return '00000000-0000-4000-8000-000000000000';
}

function osRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
      if (m) out[m[1]] = m[3];
    }
    return out;
  } catch {
    return {};
  }
}

function firstIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

let cached: LocalNode | undefined;

export function localNode(overrides: Partial<LocalNode> = {}): LocalNode {
  if (!cached) {
    const release = osRelease();
    // os.cpus() and the interface list cost milliseconds; most jobs never name them.
    let cpuList: os.CpuInfo[] | undefined;
    const cpus = (): os.CpuInfo[] => (cpuList ??= os.cpus());
    cached = {
      node: {
        'unique.id': machineId(),
        'unique.name': os.hostname(),
        datacenter: 'dc1',
        region: 'global',
        class: '',
        pool: 'default',
      },
      attr: {
        'kernel.name': os.platform(),
        'kernel.version': os.release().split('-')[0],
        'kernel.arch': os.machine(),
        'cpu.arch': GO_ARCH[os.arch()] ?? os.arch(),
        'memory.totalbytes': String(os.totalmem()),
        'os.name': release.ID ?? os.platform(),
        'os.version': release.VERSION_ID ?? '',
        'unique.hostname': os.hostname(),
        'driver.exec': 'true',
        'nomad.version': '2.0.0',
      },
      meta: {},
    };
    lazy(cached.attr, 'cpu.numcores', () => String(cpus().length));
    lazy(cached.attr, 'cpu.frequency', () => String(cpus()[0]?.speed ?? 0));
    lazy(cached.attr, 'cpu.modelname', () => cpus()[0]?.model ?? '');
    lazy(cached.attr, 'unique.network.ip-address', firstIPv4);
  }
  return {
    node: withOverrides(cached.node, overrides.node),
    attr: withOverrides(cached.attr, overrides.attr),
    meta: withOverrides(cached.meta, overrides.meta),
  };
}

/** An enumerable property computed on first read. */
function lazy(target: Record<string, string>, key: string, compute: () => string): void {
  let value: string | undefined;
  Object.defineProperty(target, key, { enumerable: true, configurable: true, get: () => (value ??= compute()) });
}

/** A copy that keeps lazy properties lazy. */
function withOverrides(base: Record<string, string>, overrides: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(base)) {
    Object.defineProperty(out, key, { enumerable: true, configurable: true, get: () => base[key] });
  }
  for (const [key, value] of Object.entries(overrides)) Object.defineProperty(out, key, { enumerable: true, configurable: true, value });
  return out;
}

/** Flat names for the simple `${...}` form: `node.unique.id`, `attr.kernel.name`, `meta.rack`. */
export function nodeNames(node: LocalNode): Record<string, string> {
  const out: Record<string, string> = {};
  const alias = (name: string, source: Record<string, string>, key: string): void => {
    Object.defineProperty(out, name, { enumerable: true, configurable: true, get: () => source[key] });
  };
  for (const k of Object.keys(node.node)) alias(`node.${k}`, node.node, k);
  for (const k of Object.keys(node.attr)) {
    alias(`attr.${k}`, node.attr, k);
    alias(`node.attr.${k}`, node.attr, k);
  }
  for (const k of Object.keys(node.meta)) {
    alias(`meta.${k}`, node.meta, k);
    alias(`node.meta.${k}`, node.meta, k);
  }
  return out;
}
