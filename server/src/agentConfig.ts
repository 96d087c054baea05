// Reads the parts of a Nomad client agent config file that change what an exec task may do:
// `plugin "exec" { config { allow_caps, default_pid_mode, default_ipc_mode, no_pivot_root } }` and
// `client { chroot_env { "/host" = "/task" } }` and the user policy in
// `client { options { "user.denylist" = "..." "user.checked_drivers" = "..." } }`, and the client's
// `host_volume "name" { path, read_only }` blocks (local runs mount them for volume_mount).
//
// Agent config files are HCL1 (Nomad reads them with the old parser), where quoted attribute names such as
// `"/bin" = "/bin"` are normal, so the HCL2 grammar used for job files cannot read them. This is a small
// tolerant reader of the HCL1 subset agent files use (blocks with labels, `key = value`, strings, heredocs,
// numbers, bools, lists, objects, comments), plus JSON config files. It never throws: problems are returned.
import { host } from './host';
import { readPlainFile, readPlainFileLater, type PlainFileRead } from './host/plainFile';

export interface AgentConfig {
  allowCaps?: string[];
  defaultPidMode?: 'private' | 'host';
  defaultIpcMode?: 'private' | 'host';
  noPivotRoot?: boolean;
  chrootEnv?: Record<string, string>;
  /** `client.options["user.denylist"]` (or the older `user.blacklist`), split at commas; [] when set empty. */
  userDenylist?: string[];
  /** `client.options["user.checked_drivers"]`: the drivers the user denylist applies to. */
  userCheckedDrivers?: string[];
  /** `client { host_volume "name" { path, read_only } }`: the host volumes the client offers. */
  hostVolumes?: Record<string, HostVolume>;
  /** Problems found; the values above are whatever could still be read. */
  problems: string[];
  /** Set when nothing of the file could be used: it could not be read, or not parsed. */
  unread?: true;
}

export interface HostVolume {
  path: string;
  readOnly: boolean;
}

/** A parsed body: attributes by name (last wins) and blocks in order. */
interface HclBody {
  attributes: Map<string, unknown>;
  blocks: Array<{ type: string; labels: string[]; body: HclBody }>;
}

export function readAgentConfigFile(path: string): AgentConfig {
  if (!host.fs) return noLocalFiles(path);
  return agentConfigOf(path, readPlainFile(path));
}

/**
 * As readAgentConfigFile, off the thread: the language server's, where a file on a hung mount would hold
 * every request (given up after DISK_WAIT_MS, with a problem saying so).
 */
export async function readAgentConfigFileLater(path: string): Promise<AgentConfig> {
  if (!host.fs) return noLocalFiles(path);
  return agentConfigOf(path, await readPlainFileLater(path));
}

function noLocalFiles(path: string): AgentConfig {
  return { problems: [`cannot read agent config file ${path}: no local files here (the editor runs in a browser)`], unread: true };
}

function agentConfigOf(path: string, read: PlainFileRead): AgentConfig {
  if ('problem' in read) return { problems: [`cannot read agent config file ${path}: ${read.problem}`], unread: true };
  return parseAgentConfig(read.text, path);
}

export function parseAgentConfig(text: string, name = 'agent config'): AgentConfig {
  const problems: string[] = [];
  let root: HclBody;
  try {
    root = text.trimStart().startsWith('{') ? fromJson(JSON.parse(text)) : new Reader(text).file();
  } catch (error) {
    return { problems: [`cannot parse ${name}: ${(error as Error).message}`], unread: true };
  }
  const result: AgentConfig = { problems };

  for (const plugin of root.blocks.filter((b) => b.type === 'plugin' && b.labels[0] === 'exec')) {
    const config = bodyOrObject(plugin.body, 'config');
    if (!config) continue;
    const caps = config.attributes.get('allow_caps');
    if (caps !== undefined) {
      if (Array.isArray(caps) && caps.every((c) => typeof c === 'string')) result.allowCaps = caps as string[];
      else problems.push(`${name}: plugin "exec" allow_caps must be a list of strings`);
    }
    for (const [key, field] of [['default_pid_mode', 'defaultPidMode'], ['default_ipc_mode', 'defaultIpcMode']] as const) {
      const mode = config.attributes.get(key);
      if (mode === undefined) continue;
      if (mode === 'private' || mode === 'host') result[field] = mode;
      else problems.push(`${name}: plugin "exec" ${key} must be "private" or "host", not ${JSON.stringify(mode)}`);
    }
    const pivot = config.attributes.get('no_pivot_root');
    if (pivot !== undefined) {
      if (typeof pivot === 'boolean') result.noPivotRoot = pivot;
      else if (pivot === 'true' || pivot === 'false') result.noPivotRoot = pivot === 'true';
      else problems.push(`${name}: plugin "exec" no_pivot_root must be true or false`);
    }
  }

  for (const client of root.blocks.filter((b) => b.type === 'client')) {
    const options = bodyOrObject(client.body, 'options');
    if (options) {
      // As the client reads them (client/config ReadStringListAlternativeToMapDefault): the first key set
      // wins, even when empty, and the list is split at commas with spaces trimmed.
      const denylist = ['user.denylist', 'user.blacklist'].map((k) => options.attributes.get(k)).find((v) => v !== undefined);
      if (denylist !== undefined) {
        if (typeof denylist === 'string') result.userDenylist = splitOption(denylist);
        else problems.push(`${name}: client options "user.denylist" must be a comma-separated string`);
      }
      const drivers = options.attributes.get('user.checked_drivers');
      if (drivers !== undefined) {
        if (typeof drivers === 'string') result.userCheckedDrivers = splitOption(drivers);
        else problems.push(`${name}: client options "user.checked_drivers" must be a comma-separated string`);
      }
    }
    readHostVolumes(client.body, name, result, problems);
    const chroot = bodyOrObject(client.body, 'chroot_env');
    if (!chroot) continue;
    const env: Record<string, string> = {};
    for (const [host, task] of chroot.attributes) {
      if (typeof task === 'string') env[host] = task;
      else problems.push(`${name}: client chroot_env "${host}" must map to a string path`);
    }
    result.chrootEnv = env;
  }
  return result;
}

/** `host_volume "name" { ... }` (HCL) or `"host_volume": { "name": { ... } }` (JSON). */
function readHostVolumes(client: HclBody, name: string, result: AgentConfig, problems: string[]): void {
  for (const block of client.blocks.filter((b) => b.type === 'host_volume')) {
    const entries = block.labels.length > 0 ? [{ label: block.labels[0], body: block.body }] : block.body.blocks.map((b) => ({ label: b.type, body: b.body }));
    for (const { label, body } of entries) {
      const hostPath = body.attributes.get('path');
      const readOnly = body.attributes.get('read_only');
      if (typeof hostPath !== 'string' || !hostPath.startsWith('/')) {
        problems.push(`${name}: client host_volume "${label}" needs an absolute path`);
        continue;
      }
      result.hostVolumes = { ...result.hostVolumes, [label]: { path: hostPath, readOnly: readOnly === true || readOnly === 'true' } };
    }
  }
}

function splitOption(value: string): string[] {
  return value === '' ? [] : value.split(',').map((e) => e.trim());
}

/** `name { ... }` or `name = { ... }`, as a body. */
function bodyOrObject(parent: HclBody, name: string): HclBody | undefined {
  const found = parent.blocks.find((b) => b.type === name && b.labels.length === 0);
  if (found) return found.body;
  const value = parent.attributes.get(name);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return { attributes: new Map(Object.entries(value as Record<string, unknown>)), blocks: [] };
  }
  return undefined;
}

/** JSON agent config: objects are blocks, `plugin: { exec: { config: {...} } }` carries its label as a key. */
function fromJson(json: unknown): HclBody {
  const body: HclBody = { attributes: new Map(), blocks: [] };
  const entries = Array.isArray(json) ? json.flatMap((item) => Object.entries(item ?? {})) : Object.entries(json ?? {});
  for (const [key, value] of entries) {
    if (key === 'plugin' && value && typeof value === 'object') {
      const plugins = Array.isArray(value) ? value : [value];
      for (const byName of plugins) {
        for (const [label, inner] of Object.entries(byName as object)) {
          body.blocks.push({ type: 'plugin', labels: [label], body: fromJson(inner) });
        }
      }
    } else if (value && typeof value === 'object' && !Array.isArray(value) && key !== 'chroot_env' && key !== 'options') {
      body.blocks.push({ type: key, labels: [], body: fromJson(value) });
    } else {
      body.attributes.set(key, value);
    }
  }
  return body;
}

/** A recursive-descent reader of HCL1 as agent config files write it. */
class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  file(): HclBody {
    const body = this.body();
    this.skip();
    if (this.pos < this.text.length) this.fail('unexpected text');
    return body;
  }

  private body(): HclBody {
    const body: HclBody = { attributes: new Map(), blocks: [] };
    for (;;) {
      this.skip();
      const c = this.text[this.pos];
      if (c === undefined || c === '}') return body;
      const key = this.key();
      this.skip();
      if (this.text[this.pos] === '=' || this.text[this.pos] === ':') {
        this.pos++;
        body.attributes.set(key, this.value());
        this.skip();
        if (this.text[this.pos] === ',') this.pos++;
        continue;
      }
      const labels: string[] = [];
      while (this.text[this.pos] === '"' || /[A-Za-z_]/.test(this.text[this.pos] ?? '')) {
        labels.push(this.key());
        this.skip();
      }
      this.expect('{');
      const inner = this.body();
      this.expect('}');
      body.blocks.push({ type: key, labels, body: inner });
    }
  }

  private key(): string {
    if (this.text[this.pos] === '"') return this.quoted();
    const match = /^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) this.fail('expected a name');
    this.pos += match![0].length;
    return match![0];
  }

  private value(): unknown {
    this.skip();
    const c = this.text[this.pos];
    if (c === '"') return this.quoted();
    if (c === '<' && this.text.startsWith('<<', this.pos)) return this.heredoc();
    if (c === '[') {
      this.pos++;
      const items: unknown[] = [];
      for (;;) {
        this.skip();
        if (this.text[this.pos] === ']') {
          this.pos++;
          return items;
        }
        items.push(this.value());
        this.skip();
        if (this.text[this.pos] === ',') this.pos++;
        else if (this.text[this.pos] !== ']') this.fail('expected , or ]');
      }
    }
    if (c === '{') {
      this.pos++;
      const inner = this.body();
      this.expect('}');
      const object: Record<string, unknown> = {};
      for (const [k, v] of inner.attributes) object[k] = v;
      for (const b of inner.blocks) object[b.type] = Object.fromEntries(b.body.attributes);
      return object;
    }
    const match = /^(-?[0-9][0-9._eExXa-fA-F+-]*|true|false|[A-Za-z_][A-Za-z0-9_.\-]*)/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) this.fail('expected a value');
    this.pos += match![0].length;
    const word = match![0];
    if (word === 'true' || word === 'false') return word === 'true';
    const n = Number(word);
    return Number.isNaN(n) ? word : n;
  }

  private quoted(): string {
    this.pos++; // opening quote
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      } else out += c;
    }
    return this.fail('unterminated string');
  }

  private heredoc(): string {
    const match = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) this.fail('bad heredoc');
    this.pos += match![0].length;
    const end = new RegExp(`^[ \\t]*${match![1]}[ \\t]*$`, 'm');
    const rest = this.text.slice(this.pos);
    const found = end.exec(rest);
    if (!found) this.fail('unterminated heredoc');
    this.pos += found!.index + found![0].length;
    return rest.slice(0, found!.index);
  }

  private skip(): void {
    for (;;) {
      const rest = this.text.slice(this.pos, this.pos + 2);
      if (/^\s/.test(rest)) this.pos++;
      else if (rest[0] === '#' || rest === '//') {
        const nl = this.text.indexOf('\n', this.pos);
        this.pos = nl < 0 ? this.text.length : nl + 1;
      } else if (rest === '/*') {
        const close = this.text.indexOf('*/', this.pos + 2);
        this.pos = close < 0 ? this.text.length : close + 2;
      } else return;
    }
  }

  private expect(char: string): void {
    this.skip();
    if (this.text[this.pos] !== char) this.fail(`expected ${char}`);
    this.pos++;
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new Error(`${message} at line ${line}`);
  }
}
