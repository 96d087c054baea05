// Reading a file named by a setting or found beside a job, on the thread, without ever waiting on it: opened
// without blocking (a FIFO named there, or `/dev/stdin`, would otherwise hold the server until something
// wrote to it; the server's own stdin would be read away from under its connection) and read only when the
// descriptor is a plain file.
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
