// Unpacking archives with the system tools (tar, unzip, bzip2, xz), as go-getter's decompressors would;
// single-file `.gz` uses node's zlib. A missing tool is an error naming it and its Debian package.
// Archives are hostile: their entries are listed first, and one that is absolute, climbs with "..", or
// reaches through a link (or a hard link to a name outside the archive) refuses the whole artifact, as
// go-getter refuses "..". The tools then unpack into a private staging folder of the runner, never the
// task dir; fetch.ts copies the result in without following links and without owners or setuid bits.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { pipeline } from 'stream/promises';
import type { ArchiveType } from './source';

const PACKAGES: Record<string, string> = { tar: 'tar', unzip: 'unzip', bzip2: 'bzip2', xz: 'xz-utils', gzip: 'gzip' };

/** Absolute path of `tool` on PATH, or undefined. */
export function findTool(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function requireTool(tool: string, archive: string): string {
  const found = findTool(tool);
  if (!found) {
    throw new Error(`unpacking a ${archive} artifact needs the "${tool}" program, which is not installed (Debian package: ${PACKAGES[tool] ?? tool})`);
  }
  return found;
}

function run(tool: string, args: string[], stdoutFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = stdoutFile ? fs.openSync(stdoutFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600) : 'ignore';
    const child = spawn(tool, args, { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => {
      if (typeof out === 'number') fs.closeSync(out);
      reject(error);
    });
    child.on('close', (code) => {
      if (typeof out === 'number') fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(tool)} ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

function output(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${path.basename(tool)} ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** One archive member as listed: its type letter (`-`, `d`, `l`, `h`, ...), name and link target. */
export interface ArchiveEntry {
  type: string;
  name: string;
  linkTarget?: string;
}

/** GNU tar's verbose listing (numeric owners, full times, escaped names) -> entries. */
export function parseTarListing(text: string): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S)\S*\s+\S+\s+\S+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.*)$/.exec(line);
    if (!m) continue;
    const [, type, rest] = m;
    const sep = type === 'l' ? ' -> ' : type === 'h' ? ' link to ' : undefined;
    const at = sep ? rest.indexOf(sep) : -1;
    out.push(at >= 0 ? { type, name: rest.slice(0, at), linkTarget: rest.slice(at + sep!.length) } : { type, name: rest });
  }
  return out;
}

/** zipinfo's default listing -> entries (zip has no hard links; a symlink's target is its content). */
export function parseZipListing(text: string): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S)\S*\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+\d\d:\d\d (.*)$/.exec(line);
    if (m) out.push({ type: m[1], name: m[2] });
  }
  return out;
}

function climbs(name: string): boolean {
  return name.startsWith('/') || name.split('/').includes('..');
}

/** Throws naming the first entry that would land outside the destination or go through a link. */
export function checkEntries(entries: readonly ArchiveEntry[], archive: string): void {
  const links = new Set<string>();
  for (const entry of entries) {
    const name = entry.name.replace(/\/+$/, '');
    if (climbs(entry.name)) throw new Error(`the ${archive} archive holds ${JSON.stringify(entry.name)}, which would land outside the destination; refusing to unpack it`);
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (links.has(prefix)) throw new Error(`the ${archive} archive holds ${JSON.stringify(entry.name)}, which goes through the link ${JSON.stringify(prefix)} it also holds; refusing to unpack it`);
    }
    if (entry.type === 'l') links.add(name);
    if (entry.type === 'h' && entry.linkTarget !== undefined && climbs(entry.linkTarget)) {
      throw new Error(`the ${archive} archive holds a hard link ${JSON.stringify(entry.name)} to ${JSON.stringify(entry.linkTarget)}, outside the archive; refusing to unpack it`);
    }
  }
}

/**
 * Unpacks `file` of `type` into `destination`, a path in the runner's private staging folder. For tar and zip `destination` is a dir; for single-file
 * compressors it is the output file path.
 */
export async function unpack(file: string, type: ArchiveType, destination: string): Promise<void> {
  switch (type) {
    case 'tar':
    case 'tar.gz':
    case 'tar.bz2':
    case 'tar.xz': {
      const tar = requireTool('tar', type);
      if (type === 'tar.bz2') requireTool('bzip2', type);
      if (type === 'tar.xz') requireTool('xz', type);
      const z = { tar: '', 'tar.gz': 'z', 'tar.bz2': 'j', 'tar.xz': 'J' }[type];
      checkEntries(parseTarListing(await output(tar, ['--numeric-owner', '--full-time', '--quoting-style=escape', `-tv${z}f`, file])), type);
      fs.mkdirSync(destination, { recursive: true, mode: 0o700 });
      await run(tar, ['--no-same-owner', '--no-same-permissions', `-x${z}f`, file, '-C', destination]);
      return;
    }
    case 'zip': {
      const unzip = requireTool('unzip', type);
      checkEntries(parseZipListing(await output(unzip, ['-Z', file])), type);
      fs.mkdirSync(destination, { recursive: true, mode: 0o700 });
      await run(unzip, ['-q', '-o', file, '-d', destination]);
      return;
    }
    case 'gz':
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      await pipeline(fs.createReadStream(file), zlib.createGunzip(), fs.createWriteStream(destination, { mode: 0o600, flags: 'wx' }));
      return;
    case 'bz2':
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      await run(requireTool('bzip2', type), ['-dc', file], destination);
      return;
    case 'xz':
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      await run(requireTool('xz', type), ['-dc', file], destination);
      return;
  }
}

/** True for types that unpack into a directory (as opposed to one file). */
export function unpacksToDir(type: ArchiveType): boolean {
  return type === 'tar' || type === 'tar.gz' || type === 'tar.bz2' || type === 'tar.xz' || type === 'zip';
}
