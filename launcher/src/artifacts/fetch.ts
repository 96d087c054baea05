// Fetching one artifact into the task dir: download (http/https, redirects followed) or copy (local path),
// verify the checksum of what arrived, then unpack or place it according to `mode`.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { ArtifactPlan } from '../types';
import { Dir, isInside, UnsafePathError } from '../safeFs';
import { unpack, unpacksToDir } from './unpack';
import { ARTIFACT_READS, FileSandboxError, jobFolderSandbox, realPathInside } from '../../../server/src/model/fileSandbox';

export class ArtifactError extends Error {}

/**
 * Downloads or copies the artifact, verifies and unpacks it into its destination below `alloc` (the alloc
 * dir, held open). Throws ArtifactError with a message naming the source. `signal` aborts a download (the
 * run was stopped). Downloads and unpacking happen in a private staging folder; what lands in the alloc
 * dir is written through safeFs (no link followed, links copied as links, no owners or setuid bits kept).
 */
export async function fetchArtifact(artifact: ArtifactPlan, alloc: Dir, signal?: AbortSignal): Promise<void> {
  const fail = (why: string): never => {
    throw new ArtifactError(`artifact ${JSON.stringify(artifact.source)}: ${why}`);
  };
  if (!isInside(alloc.path, artifact.destination)) fail(`destination ${artifact.destinationInTask} leaves the alloc dir`);
  const dest = path.relative(alloc.path, artifact.destination);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-artifact-'));
  try {
    await place(artifact, alloc, dest, work, fail, signal);
  } catch (error) {
    if (error instanceof UnsafePathError) fail(error.message);
    throw error;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function place(artifact: ArtifactPlan, alloc: Dir, dest: string, work: string, fail: (why: string) => never, signal?: AbortSignal): Promise<void> {
  let fetched: string;
  if (artifact.kind === 'http') {
    fetched = path.join(work, 'download');
    await download(artifact.location, artifact.headers, fetched, signal).catch((e: Error) => fail(e.message));
  } else {
    // Checked again now, links resolved: at plan time the path may not have existed (nothing to resolve).
    // A plan made without a job folder (built by hand through the API) is taken as its caller wrote it.
    let local: string | undefined;
    try {
      local = artifact.jobFolder ? realPathInside(`local source ${JSON.stringify(artifact.source)}`, artifact.location, jobFolderSandbox(artifact.jobFolder, ARTIFACT_READS)) : artifact.location;
    } catch (error) {
      if (error instanceof FileSandboxError) return fail(error.message);
      throw error;
    }
    let stat: fs.Stats;
    try {
      if (!local) throw new Error('missing');
      stat = fs.statSync(local);
    } catch {
      return fail(`the local path ${artifact.location} does not exist`);
    }
    if (stat.isDirectory()) {
      if (artifact.checksum) fail('a checksum cannot be verified for a directory');
      if (artifact.mode === 'file') fail(`mode is "file" but ${artifact.location} is a directory`);
      alloc.copyTreeIn(local, dest);
      return;
    }
    fetched = local;
  }
  if (artifact.checksum) {
    const actual = await hashFile(fetched, artifact.checksum.algorithm);
    if (actual !== artifact.checksum.hex) {
      fail(`${artifact.checksum.algorithm} checksum mismatch: expected ${artifact.checksum.hex}, got ${actual}`);
    }
  }
  const type = artifact.archiveType;
  const staged = path.join(work, 'unpacked');
  if (artifact.mode === 'file') {
    // The destination is the file itself; a single-file compressor still decompresses into it.
    if (type && !unpacksToDir(type)) {
      await unpack(fetched, type, staged).catch((e: Error) => fail(e.message));
      copyFile(alloc, staged, dest);
    } else {
      if (type) fail(`mode is "file" but the source is a ${type} archive (set archive = false to keep it packed)`);
      copyFile(alloc, fetched, dest);
    }
    return;
  }
  alloc.dir(dest, { mode: 0o755 }).close();
  if (type) {
    await unpack(fetched, type, staged).catch((e: Error) => fail(e.message));
    if (unpacksToDir(type)) alloc.copyTreeIn(staged, dest);
    else copyFile(alloc, staged, path.join(dest, stripSuffix(artifact.fileName, type)));
    return;
  }
  if (artifact.mode === 'dir') fail('mode is "dir" but the source is a single file, not an archive or directory');
  copyFile(alloc, fetched, path.join(dest, artifact.fileName));
}

/** Copies one fetched file to `rel` below the alloc dir (parents made 0755), keeping its permission bits only. */
function copyFile(alloc: Dir, file: string, rel: string): void {
  alloc.dir(path.dirname(rel), { mode: 0o755 }).close();
  alloc.copyFileIn(file, rel, fs.statSync(file).mode & 0o777, true);
}

function stripSuffix(name: string, type: string): string {
  return name.toLowerCase().endsWith(`.${type}`) ? name.slice(0, -(type.length + 1)) : name;
}

function hashFile(file: string, algorithm: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash(algorithm);
    fs.createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function download(url: string, headers: Record<string, string>, file: string, signal?: AbortSignal, redirects = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error(`GET ${url} not started: the run was stopped`));
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { headers: { 'user-agent': 'nomad-exec', ...headers }, signal }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= 10) return reject(new Error(`too many redirects fetching ${url}`));
        const next = new URL(response.headers.location, url).toString();
        return resolve(download(next, headers, file, signal, redirects + 1));
      }
      if (status !== 200) {
        response.resume();
        return reject(new Error(`GET ${url} answered HTTP ${status}`));
      }
      const out = fs.createWriteStream(file, { mode: 0o644, flags: 'wx' });
      response.pipe(out);
      out.on('finish', () => resolve());
      out.on('error', reject);
      response.on('error', reject);
    });
    request.on('error', (error) => reject(new Error(signal?.aborted ? `GET ${url} stopped: the run was stopped` : `GET ${url} failed: ${error.message}`)));
  });
}
