// Reading a file named by a setting or found beside a job without ever waiting on it: opened without
// blocking (a FIFO named there, or `/dev/stdin`, would otherwise hold the server until something wrote to it;
// the server's own stdin would be read away from under its connection) and read only when the descriptor is
// a plain file. Off the thread, a read is given up after DISK_WAIT_MS: one on a hung mount never ends.
import * as path from 'node:path';
import { host } from './index';

/** A file's text, or why there is none; `unanswered`: the disk did not answer in time (readPlainFileLater). */
export type PlainFileRead = { text: string } | { problem: string; unanswered?: true };

export interface PlainFileOptions {
  maxBytes?: number;
  /** false: a link is refused (a file beside a job may lead anywhere); a path a user set may be a link to their config. */
  followLinks?: boolean;
}

/** How the file is opened: never waiting (O_NONBLOCK), and not through a final link unless allowed. */
function openFlags(constants: typeof import('node:fs').constants, options: PlainFileOptions): number {
  return constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks === false ? constants.O_NOFOLLOW : 0);
}

/** Why the opened file is not read (its descriptor's own stat), or undefined when it is. */
function refusal(stat: { isFile(): boolean; size: number }, options: PlainFileOptions): string | undefined {
  if (!stat.isFile()) return 'not a plain file (a folder, a FIFO or a device)';
  if (options.maxBytes !== undefined && stat.size > options.maxBytes) return `larger than ${options.maxBytes} bytes`;
  return undefined;
}

/** The text of `file` when it is a plain file of at most `maxBytes`; otherwise why not. */
export function readPlainFile(file: string, options: PlainFileOptions = {}): PlainFileRead {
  const files = host.fs;
  if (!files) return { problem: 'there are no local files here' };
  let fd: number;
  try {
    fd = files.openSync(file, openFlags(files.constants, options));
  } catch (error) {
    return { problem: (error as Error).message };
  }
  try {
    const problem = refusal(files.fstatSync(fd), options);
    return problem ? { problem } : { text: files.readFileSync(fd, 'utf8') };
  } catch (error) {
    return { problem: (error as Error).message };
  } finally {
    files.closeSync(fd);
  }
}

/**
 * How long a folder listing or a file read off the thread may take before the server goes on without it: one
 * on a hung mount never answers (it still holds a thread of the pool until it does).
 */
export const DISK_WAIT_MS = 2000;

/**
 * Folders where a listing or read given up on (DISK_WAIT_MS) has not come back yet, with how many: each holds
 * a thread of libuv's pool until its mount answers. Nothing new is started there meanwhile: a request made
 * again and again (references on a job in a folder of a hung mount) would otherwise take a thread each time,
 * until none was left for the server's other file work.
 */
const stuckFolders = new Map<string, number>();

/**
 * `work()`'s result, or undefined when it takes longer than DISK_WAIT_MS (it goes on; its result is dropped).
 * `folder`: what it reads (a folder listed, the folder of a file read); while earlier work there is still
 * stuck, `work` is not started and the answer is undefined at once.
 */
export function withinDiskWait<T>(folder: string, work: () => Promise<T>): Promise<T | undefined> {
  if (stuckFolders.has(folder)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let stuck = false;
    const timer = setTimeout(() => {
      stuck = true;
      stuckFolders.set(folder, (stuckFolders.get(folder) ?? 0) + 1);
      resolve(undefined);
    }, DISK_WAIT_MS);
    const settled = (): void => {
      clearTimeout(timer);
      if (!stuck) return;
      const left = (stuckFolders.get(folder) ?? 1) - 1;
      if (left > 0) stuckFolders.set(folder, left);
      else stuckFolders.delete(folder);
    };
    work().then(
      (value) => {
        settled();
        resolve(value);
      },
      (error: unknown) => {
        settled();
        reject(error);
      },
    );
  });
}

/** As readPlainFile, off the thread; unanswered when the disk does not answer within DISK_WAIT_MS. */
export async function readPlainFileLater(file: string, options: PlainFileOptions = {}): Promise<PlainFileRead> {
  const files = host.fs;
  if (!files) return { problem: 'there are no local files here' };
  const read = async (): Promise<PlainFileRead> => {
    const handle = await files.promises.open(file, openFlags(files.constants, options));
    try {
      const problem = refusal(await handle.stat(), options);
      return problem ? { problem } : { text: await handle.readFile('utf8') };
    } finally {
      await handle.close();
    }
  };
  try {
    return (await withinDiskWait(path.dirname(file), read)) ?? { problem: `no answer within ${DISK_WAIT_MS / 1000} s (a hung mount?)`, unanswered: true };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
