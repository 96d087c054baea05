// Reading a file named by a setting or found beside a job without ever waiting on it: opened without
// blocking (a FIFO named there, or `/dev/stdin`, would otherwise hold the server until something wrote to it;
// the server's own stdin would be read away from under its connection) and read only when the descriptor is
// a plain file. Off the thread, a read is given up after DISK_WAIT_MS: one on a hung mount never ends.
import { host } from './index';

export type PlainFileRead = { text: string } | { problem: string };

/**
 * The text of `file` when it is a plain file of at most `maxBytes`; otherwise why not. `followLinks: false`
 * refuses a link (a file beside a job may lead anywhere); a path a user set may be a link to their config.
 */
export function readPlainFile(file: string, options: { maxBytes?: number; followLinks?: boolean } = {}): PlainFileRead {
  const files = host.fs;
  if (!files) return { problem: 'there are no local files here' };
  const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW } = files.constants;
  let fd: number;
  try {
    fd = files.openSync(file, O_RDONLY | O_NONBLOCK | (options.followLinks === false ? O_NOFOLLOW : 0));
  } catch (error) {
    return { problem: (error as Error).message };
  }
  try {
    const stat = files.fstatSync(fd);
    if (!stat.isFile()) return { problem: 'not a plain file (a folder, a FIFO or a device)' };
    if (options.maxBytes !== undefined && stat.size > options.maxBytes) return { problem: `larger than ${options.maxBytes} bytes` };
    return { text: files.readFileSync(fd, 'utf8') };
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

/** `work`'s result, or undefined when it takes longer than DISK_WAIT_MS (it goes on; its result is dropped). */
export function withinDiskWait<T>(work: Promise<T>): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), DISK_WAIT_MS);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** As readPlainFile, off the thread; `{ problem }` too when the disk does not answer within DISK_WAIT_MS. */
export async function readPlainFileLater(file: string, options: { maxBytes?: number; followLinks?: boolean } = {}): Promise<PlainFileRead> {
  const files = host.fs;
  if (!files) return { problem: 'there are no local files here' };
  const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW } = files.constants;
  const read = async (): Promise<PlainFileRead> => {
    const handle = await files.promises.open(file, O_RDONLY | O_NONBLOCK | (options.followLinks === false ? O_NOFOLLOW : 0));
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { problem: 'not a plain file (a folder, a FIFO or a device)' };
      if (options.maxBytes !== undefined && stat.size > options.maxBytes) return { problem: `larger than ${options.maxBytes} bytes` };
      return { text: await handle.readFile('utf8') };
    } finally {
      await handle.close();
    }
  };
  try {
    return (await withinDiskWait(read())) ?? { problem: `no answer within ${DISK_WAIT_MS / 1000} s (a hung mount?)` };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
