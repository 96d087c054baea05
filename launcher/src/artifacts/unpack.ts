// Unpacking archives with the system tools (tar, unzip, bzip2, xz), as go-getter's decompressors would;
// single-file `.gz` uses node's zlib. A missing tool is an error naming it and its Debian package.
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
    const out = stdoutFile ? fs.openSync(stdoutFile, 'w', 0o644) : 'ignore';
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

/**
 * Unpacks `file` of `type` into `destination`. For tar and zip `destination` is a dir; for single-file
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
      const flag = { tar: '-xf', 'tar.gz': '-xzf', 'tar.bz2': '-xjf', 'tar.xz': '-xJf' }[type];
      fs.mkdirSync(destination, { recursive: true });
      await run(tar, ['--no-same-owner', flag, file, '-C', destination]);
      return;
    }
    case 'zip': {
      const unzip = requireTool('unzip', type);
      fs.mkdirSync(destination, { recursive: true });
      await run(unzip, ['-q', '-o', file, '-d', destination]);
      return;
    }
    case 'gz':
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      await pipeline(fs.createReadStream(file), zlib.createGunzip(), fs.createWriteStream(destination, { mode: 0o644 }));
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
