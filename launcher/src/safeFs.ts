// File operations anchored at a directory the runner holds open, never following a symbolic link.
// Tasks write into the alloc dir while the runner works in it (a prestart sidecar keeps running while the
// main task's templates render), so a path checked with lstat can be a link by the time it is used. Node
// has no openat(2); opening `/proc/self/fd/<dir fd>/<name>` resolves exactly one name relative to the held
// directory, and O_NOFOLLOW (or an operation that never follows its last name: mkdir, unlink, rmdir,
// rename, symlink) keeps that name from being a link. Paths are walked one name at a time that way, so no
// link anywhere below the anchor is ever followed. Modes and owners are set through descriptors.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { isWithin } from '../../server/src/model/fileSandbox';

/** Linux O_PATH: a descriptor that names a file without opening it for reading (works without read permission). */
const O_PATH = 0o10000000;
const { O_DIRECTORY, O_NOFOLLOW, O_CREAT, O_EXCL, O_WRONLY, O_APPEND, O_NONBLOCK, O_RDONLY, O_NOCTTY } = fs.constants;
const O_CLOEXEC = 0o2000000;
/** Linux O_TMPFILE: an unnamed regular file in a directory, reachable only through its descriptor. */
const O_TMPFILE = 0o20000000 | O_DIRECTORY;
const NAME_MAX = 255;

/** A path the runner refuses to touch: a link where a directory or file was expected, or a name leaving the anchor. */
export class UnsafePathError extends Error {}

function via(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Splits a path relative to an anchor into names; `.` and empty names are dropped, `..`, NUL and names
 * longer than a directory entry can be are refused (so nothing built from it can leave the anchor).
 */
export function relativeNames(rel: string, what = rel): string[] {
  const names = rel.split('/').filter((n) => n !== '' && n !== '.');
  for (const name of names) {
    if (name === '..') throw new UnsafePathError(`${what}: ".." is not allowed here (it would leave the alloc dir)`);
    if (name.includes('\0')) throw new UnsafePathError(`${what}: a path cannot contain a NUL character`);
    if (Buffer.byteLength(name) > NAME_MAX) throw new UnsafePathError(`${what}: the name ${JSON.stringify(name.slice(0, 40))}... is longer than ${NAME_MAX} bytes`);
  }
  return names;
}

/** True when `p` is `dir` or below it, compared as resolved absolute paths. */
export function isInside(dir: string, p: string): boolean {
  return isWithin(path.resolve(p), path.resolve(dir));
}

/** A directory held open by descriptor; every operation resolves names below it without following links. */
export class Dir {
  private closed = false;

  private constructor(
    readonly fd: number,
    /** Host path, for messages (and for handing to programs that need a path). */
    readonly path: string,
    /** This very directory handed out as a parent: closing it is its owner's business. */
    private readonly borrowed = false,
  ) {}

  /**
   * Opens a directory the caller trusts by path (a folder the user chose or one this process made); its last
   * name must not be a link unless `follow` (a folder the user named, links on its way being theirs).
   */
  static open(hostPath: string, follow = false): Dir {
    const absolute = path.resolve(hostPath);
    let fd: number;
    try {
      fd = fs.openSync(absolute, O_PATH | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW) | O_CLOEXEC);
    } catch (error) {
      if (code(error) === 'ENOTDIR' || code(error) === 'ELOOP') throw new UnsafePathError(`${absolute} is ${describe(absolute)}, not a directory; refusing to use it`);
      throw error;
    }
    return new Dir(fd, absolute);
  }

  close(): void {
    if (this.closed || this.borrowed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  /** The directory holding the last of `names` (this one, borrowed, for a single name); undefined when missing and `existing`. */
  private parentDir(names: string[], existing = false): Dir | undefined {
    if (names.length <= 1) return new Dir(this.fd, this.path, true);
    const rel = names.slice(0, -1).join('/');
    return existing ? this.existingDir(rel) : this.dir(rel);
  }

  /** Host path of `rel` below this directory, for messages. */
  pathOf(rel: string): string {
    return path.join(this.path, rel);
  }

  /** lstat of `rel` (never follows its last name, nor any before it); undefined when it does not exist. */
  lstat(rel: string): fs.Stats | undefined {
    const names = relativeNames(rel, this.pathOf(rel));
    if (names.length === 0) return fs.fstatSync(this.fd);
    const parent = this.parentDir(names, true);
    if (!parent) return undefined;
    try {
      // lstat never follows its last name; the one before it is the held directory.
      return fs.lstatSync(via(parent.fd, names[names.length - 1]));
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    } finally {
      parent.close();
    }
  }

  /**
   * The directory at `rel`, every name of it a real directory; with `create`, missing ones are made with
   * `mode` (exact bits, umask ignored). Undefined when it does not exist and `create` is not set.
   */
  dir(rel: string, create?: { mode: number }): Dir {
    const names = relativeNames(rel, this.pathOf(rel));
    const found = this.walk(names, rel, create);
    if (!found) throw Object.assign(new Error(`ENOENT: no such directory, ${this.pathOf(rel)}`), { code: 'ENOENT' });
    return found;
  }

  /** Like dir() without creating; undefined when any name is missing. */
  existingDir(rel: string): Dir | undefined {
    return this.walk(relativeNames(rel, this.pathOf(rel)), rel, false);
  }

  private walk(names: string[], rel: string, create: CreateDir | false | undefined): Dir | undefined {
    if (names.length === 0) return new Dir(fs.openSync(via(this.fd), O_PATH | O_DIRECTORY | O_CLOEXEC), this.path);
    // The anchor itself is not ours to close; every directory opened on the way is.
    let current: Dir = this;
    try {
      for (let i = 0; i < names.length; i++) {
        const shown = path.join(this.path, ...names.slice(0, i + 1));
        // Only the last name is given the mode when it was there already.
        const next = openDirAt(current.fd, names[i], shown, create ? (i === names.length - 1 ? create : { ...create, exact: false }) : undefined);
        if (current !== this) current.close();
        if (next === undefined) return undefined;
        current = new Dir(next, shown);
      }
      return current;
    } catch (error) {
      if (current !== this) current.close();
      if (error instanceof UnsafePathError) throw new UnsafePathError(`${error.message}${rel ? ` (on the way to ${this.pathOf(rel)})` : ''}`);
      throw error;
    }
  }

  /** Creates (or keeps) the directory `rel` with exactly `mode`, and returns it. Meant for dirs usually new. */
  mkdir(rel: string, mode: number): Dir {
    return this.walk(relativeNames(rel, this.pathOf(rel)), rel, { mode, expectNew: true, exact: true })!;
  }

  /**
   * mkdir() without handing out a handle, for the leaves of a layout: a new directory directly below this one
   * whose mode came out right costs a mkdir and an lstat.
   */
  makeDir(rel: string, mode: number): void {
    const names = relativeNames(rel, this.pathOf(rel));
    const only = names[0];
    if (names.length === 1) {
      let made = false;
      try {
        fs.mkdirSync(via(this.fd, only), mode);
        made = true;
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
      }
      // The umask seen last time says whether the new directory's mode needs setting.
      if (made && (mode & umaskSeen) !== 0 && setModeOfNew(this.fd, only, this.pathOf(only), mode)) return;
      // lstat never follows the name: a link put there meanwhile shows as one and takes the long way.
      const stat = fs.lstatSync(via(this.fd, only));
      if (made) umaskSeen = (umaskSeen & ~mode) | (mode & ~stat.mode & 0o777);
      if (stat.isDirectory() && (stat.mode & 0o7777) === mode && stat.uid === process.geteuid?.()) return;
    }
    this.mkdir(rel, mode).close();
  }

  /** Sets the mode of an existing directory or regular file at `rel`; a link there is refused. */
  chmod(rel: string, mode: number): void {
    this.withHandle(rel, (fd, stat) => {
      if (!stat.isFile() && !stat.isDirectory()) throw new UnsafePathError(`${this.pathOf(rel)} is ${kind(stat)}; refusing to change its mode`);
      fs.chmodSync(via(fd), mode);
    });
  }

  /** Runs `use` with an O_PATH descriptor of `rel` itself (a link stays a link) and its stat. */
  withHandle<T>(rel: string, use: (fd: number, stat: fs.Stats) => T): T {
    const names = relativeNames(rel, this.pathOf(rel));
    if (names.length === 0) return use(this.fd, fs.fstatSync(this.fd));
    const parent = this.parentDir(names)!;
    try {
      const fd = openAt(parent.fd, names[names.length - 1], O_PATH | O_NOFOLLOW);
      try {
        return use(fd, fs.fstatSync(fd));
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      parent.close();
    }
  }

  /**
   * Writes `data` to `rel` the way consul-template does: a new file beside it, then a rename over whatever
   * was there (a link or a special file is replaced, never followed or opened). Parent dirs must exist.
   */
  writeFile(rel: string, data: Buffer | string, mode: number, owner?: { uid: number; gid: number }): void {
    this.replaceWith(rel, mode, owner, (fd) => {
      const buffer = typeof data === 'string' ? Buffer.from(data) : data;
      let written = 0;
      while (written < buffer.length) written += fs.writeSync(fd, buffer, written, buffer.length - written);
    });
  }

  /**
   * Copies the regular file `source` to `rel`, as writeFile does. `source` is opened without following a
   * link unless `followSource` (a path the caller already decided may be read, links and all).
   */
  copyFileIn(source: string, rel: string, mode: number, followSource = false): void {
    const input = openRegularForReading(source, followSource);
    try {
      this.replaceWith(rel, mode, undefined, (fd) => copyDescriptor(input, fd));
    } finally {
      fs.closeSync(input);
    }
  }

  private replaceWith(rel: string, mode: number, owner: { uid: number; gid: number } | undefined, fill: (fd: number) => void): void {
    const names = relativeNames(rel, this.pathOf(rel));
    if (names.length === 0) throw new UnsafePathError(`${this.path}: a file cannot replace the directory itself`);
    const name = names[names.length - 1];
    const parent = this.parentDir(names)!;
    const temp = `.${name.slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = fs.openSync(via(parent.fd, temp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600);
      try {
        fill(fd);
        if (owner) fs.fchownSync(fd, owner.uid, owner.gid);
        fs.fchmodSync(fd, mode);
      } finally {
        fs.closeSync(fd);
      }
      try {
        fs.renameSync(via(parent.fd, temp), via(parent.fd, name));
      } catch (error) {
        if (code(error) === 'EISDIR' || code(error) === 'ENOTEMPTY' || code(error) === 'EEXIST') throw new UnsafePathError(`${this.pathOf(rel)} is a directory; cannot write a file there`);
        throw error;
      }
    } catch (error) {
      try {
        fs.unlinkSync(via(parent.fd, temp));
      } catch {
        // never created, or already renamed
      }
      throw error;
    } finally {
      parent.close();
    }
  }

  /** Opens `rel` for appending (created with `mode` when missing); anything but a regular file there is refused. */
  openAppend(rel: string, mode: number): number {
    return this.openAppendSized(rel, mode).fd;
  }

  /** openAppend, with the file's size from the check it makes anyway (a log resuming its rotation needs it). */
  openAppendSized(rel: string, mode: number): { fd: number; size: number } {
    const names = relativeNames(rel, this.pathOf(rel));
    const parent = this.parentDir(names)!;
    try {
      let fd: number;
      try {
        fd = fs.openSync(via(parent.fd, names[names.length - 1]), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
      } catch (error) {
        if (code(error) === 'ELOOP' || code(error) === 'ENXIO' || code(error) === 'EISDIR') throw new UnsafePathError(`${this.pathOf(rel)} is not a regular file; refusing to write to it`);
        throw error;
      }
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        fs.closeSync(fd);
        throw new UnsafePathError(`${this.pathOf(rel)} is ${kind(stat)}; refusing to write to it`);
      }
      return { fd, size: stat.size };
    } finally {
      parent.close();
    }
  }

  /** Creates `rel` as a new regular file (fails when anything exists there) and returns a write descriptor. */
  createExclusive(rel: string, mode: number): number {
    const names = relativeNames(rel, this.pathOf(rel));
    const parent = this.parentDir(names)!;
    try {
      const fd = fs.openSync(via(parent.fd, names[names.length - 1]), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      fs.fchmodSync(fd, mode);
      return fd;
    } finally {
      parent.close();
    }
  }

  /**
   * An unnamed regular file in this directory (O_TMPFILE, mode 0600) holding `data`, read and write,
   * its offset at the start: no other process can open it by name, and it is gone once its last descriptor
   * closes. Undefined when the file system has no unnamed files (the caller then uses a pipe).
   */
  unnamedFile(data: Buffer): number | undefined {
    let fd: number;
    try {
      // O_EXCL: it can never be linked into the tree afterwards.
      fd = fs.openSync(via(this.fd), O_TMPFILE | fs.constants.O_RDWR | O_EXCL | O_CLOEXEC, 0o600);
    } catch (error) {
      const c = code(error);
      if (c === 'EOPNOTSUPP' || c === 'EISDIR' || c === 'EINVAL' || c === 'ENOTSUP' || c === 'ENOSYS') return undefined;
      throw error;
    }
    try {
      // Positioned writes leave the offset at 0, where the reader starts.
      let written = 0;
      while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written, written);
      return fd;
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  /** Creates the symbolic link `rel` holding `target` (replacing nothing: an existing name fails). */
  symlink(target: string, rel: string): void {
    const names = relativeNames(rel, this.pathOf(rel));
    const parent = this.parentDir(names)!;
    try {
      fs.symlinkSync(target, via(parent.fd, names[names.length - 1]));
    } finally {
      parent.close();
    }
  }

  /** Removes the file, link or empty directory `rel` if it exists; a link goes, never its target. */
  remove(rel: string): void {
    const parent = this.parentOfLast(rel);
    if (!parent) return;
    const target = via(parent.dir.fd, parent.name);
    try {
      fs.unlinkSync(target);
    } catch (error) {
      if (code(error) === 'ENOENT') return;
      if (code(error) !== 'EISDIR') throw error;
      fs.rmdirSync(target);
    } finally {
      parent.dir.close();
    }
  }

  /**
   * Removes `rel` and everything below it, in short steps that let other I/O through (a task can leave a large
   * tree; a run started meanwhile is not held up by it) while this directory, held open, anchors it. Nothing
   * is followed: a link in the tree goes as a link. Synchronous calls: on the thread pool each step would
   * cost several times its own work in hand-offs between threads.
   */
  async removeTree(rel: string): Promise<void> {
    const parent = this.parentOfLast(rel);
    if (!parent) return;
    sliceStarted = performance.now();
    try {
      await removeAt(parent.dir.fd, parent.name);
    } finally {
      parent.dir.close();
    }
  }

  /** The directory holding the last name of `rel` (undefined when missing), and that name; never the anchor itself. */
  private parentOfLast(rel: string): { dir: Dir; name: string } | undefined {
    const names = relativeNames(rel, this.pathOf(rel));
    if (names.length === 0) throw new UnsafePathError(`${this.path}: refusing to remove the anchor itself`);
    const dir = this.parentDir(names, true);
    return dir && { dir, name: names[names.length - 1] };
  }

  /** Names directly below `rel` (the directory itself must be one, not a link). */
  list(rel = ''): fs.Dirent[] {
    const dir = this.dir(rel);
    try {
      return fs.readdirSync(via(dir.fd), { withFileTypes: true });
    } finally {
      dir.close();
    }
  }

  /**
   * Copies the host tree `source` into `rel` (created when missing): directories and regular files by
   * content, links as links (their text copied, never resolved on the host), modes without setuid, setgid
   * and sticky bits, owned by this process. Anything else (devices, FIFOs, sockets) is refused.
   */
  copyTreeIn(source: string, rel: string): void {
    const target = this.dir(rel, { mode: 0o755 });
    try {
      copyInto(source, target);
    } finally {
      target.close();
    }
  }
}

function openAt(dirFd: number, name: string, flags: number, mode?: number): number {
  return fs.openSync(via(dirFd, name), flags | O_NOFOLLOW | O_CLOEXEC, mode);
}

/** How a walk creates a missing directory: with exactly `mode`; `exact` gives one that was there the mode too. */
interface CreateDir {
  mode: number;
  /** Usually new: made first, opened after (no failed open to pay for). */
  expectNew?: boolean;
  exact?: boolean;
}

/** The directory `name` below `dirFd` as an O_PATH descriptor; created with `create.mode` when missing. */
function openDirAt(dirFd: number, name: string, shown: string, create?: CreateDir): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    // A dir expected to be new is made first (no failed open to pay for); otherwise it is opened first.
    if (!create?.expectNew || attempt > 0) {
      try {
        const fd = openAt(dirFd, name, O_PATH | O_DIRECTORY);
        if (create?.exact) {
          try {
            exactMode(fd, create.mode);
          } catch (error) {
            fs.closeSync(fd);
            throw error;
          }
        }
        return fd;
      } catch (error) {
        const c = code(error);
        if (c === 'ENOTDIR' || c === 'ELOOP') throw new UnsafePathError(`${shown} is ${describeAt(dirFd, name)}, not a directory; refusing to follow it`);
        if (c !== 'ENOENT' || !create) {
          if (c === 'ENOENT') return undefined;
          throw error;
        }
      }
    }
    try {
      fs.mkdirSync(via(dirFd, name), create!.mode);
      const fd = openAt(dirFd, name, O_PATH | O_DIRECTORY);
      exactMode(fd, create!.mode);
      return fd;
    } catch (error) {
      // Made meanwhile by someone else: look again (and refuse it if it is a link).
      if (code(error) !== 'EEXIST') throw error;
    }
  }
  throw new UnsafePathError(`${shown} keeps changing; refusing to use it`);
}

/**
 * Gives the directory held by `fd` exactly `mode`: mkdir's mode passes through the umask (and a setgid parent
 * adds its bit), the layout needs the exact bits. Set through the descriptor, and only when it differs (a stat
 * of a descriptor costs far less than a change of mode through /proc).
 */
function exactMode(fd: number, mode: number): void {
  if ((fs.fstatSync(fd).mode & 0o7777) !== mode) fs.chmodSync(via(fd), mode);
}

/**
 * Gives the directory `name` below `dirFd`, just made, exactly `mode` through a descriptor opened without
 * following a link (a link swapped in meanwhile is refused). False when it cannot be opened for reading (a
 * umask that left the owner no read bit): the caller takes the long way.
 */
function setModeOfNew(dirFd: number, name: string, shown: string, mode: number): boolean {
  let fd: number;
  try {
    fd = openAt(dirFd, name, O_RDONLY | O_DIRECTORY);
  } catch (error) {
    if (code(error) === 'ENOTDIR' || code(error) === 'ELOOP') throw new UnsafePathError(`${shown} is ${describeAt(dirFd, name)}, not a directory; refusing to follow it`);
    if (code(error) === 'EACCES') return false;
    throw error;
  }
  try {
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** Permission bits the process's umask took from the last directory makeDir created (a guess, never trusted). */
let umaskSeen = 0;

/** Work a removal does before it lets pending I/O (a new run's first output) through, in milliseconds. */
const REMOVAL_SLICE_MS = 2;
let sliceStarted = 0;

/** Lets pending I/O through once the current slice of a long removal is used up; a small tree goes in one. */
async function yieldToEventLoop(): Promise<void> {
  const now = performance.now();
  if (now - sliceStarted < REMOVAL_SLICE_MS) return;
  await new Promise((resolve) => setImmediate(resolve));
  sliceStarted = performance.now();
}

/** The kind a directory listing gives: a directory, something else, or unknown (some file systems do not say). */
function listedAsDir(entry: fs.Dirent): boolean | undefined {
  if (entry.isDirectory()) return true;
  return entry.isFile() || entry.isSymbolicLink() || entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice() ? false : undefined;
}

/**
 * Removes `name` below `dirFd` and everything it holds, never following a link: rmdir and unlink never follow
 * their last name, and a directory is entered only through an O_NOFOLLOW descriptor. `isDir` is the kind the
 * listing gave (no stat per entry); a name that changed kind meanwhile is looked at again.
 */
async function removeAt(dirFd: number, name: string, isDir?: boolean): Promise<void> {
  const fd = removeAtOnce(dirFd, name, isDir);
  if (fd !== undefined) await removeHeld(dirFd, name, fd);
}

/**
 * The cheap part of removeAt: a file or link unlinked, an empty directory removed (most in an alloc dir are:
 * mount points, unused task folders). A directory with entries is returned held open.
 */
function removeAtOnce(dirFd: number, name: string, isDir?: boolean): number | undefined {
  const target = via(dirFd, name);
  if (isDir === false) {
    try {
      fs.unlinkSync(target);
      return undefined;
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      // A directory now (unlink says EISDIR): removed as one below.
      if (code(error) !== 'EISDIR' && code(error) !== 'EPERM') throw error;
    }
  }
  try {
    fs.rmdirSync(target);
    return undefined;
  } catch (error) {
    const c = code(error);
    if (c === 'ENOENT') return undefined;
    if (c === 'ENOTDIR') {
      fs.unlinkSync(target); // a file or a link: the link itself goes, never its target
      return undefined;
    }
    if (c !== 'ENOTEMPTY' && c !== 'EEXIST' && c !== 'EACCES' && c !== 'EPERM') throw error;
  }
  try {
    return openAt(dirFd, name, O_PATH | O_DIRECTORY);
  } catch (error) {
    const c = code(error);
    if (c === 'ENOENT') return undefined;
    if (c !== 'ENOTDIR' && c !== 'ELOOP') throw error;
  }
  fs.unlinkSync(target);
  return undefined;
}

/** Empties the directory held by `fd` (named `name` below `dirFd`), closes it and removes it. */
async function removeHeld(dirFd: number, name: string, fd: number): Promise<void> {
  try {
    // Tasks leave read-only dirs behind (unpacked archives, chmod 0555): allow listing and deleting in it.
    // Through the descriptor, so the mode change lands on this very directory.
    const stat = fs.fstatSync(fd);
    if ((stat.mode & 0o700) !== 0o700 && (stat.uid === process.geteuid?.() || process.geteuid?.() === 0)) {
      try {
        fs.chmodSync(via(fd), 0o700);
      } catch {
        // not ours to change; the removal below says what fails
      }
    }
    for (const entry of fs.readdirSync(via(fd), { withFileTypes: true })) {
      await yieldToEventLoop();
      const sub = removeAtOnce(fd, entry.name, listedAsDir(entry));
      if (sub !== undefined) await removeHeld(fd, entry.name, sub);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.rmdirSync(via(dirFd, name));
}

function copyInto(source: string, target: Dir): void {
  for (const entry of fs.readdirSync(source)) {
    const from = path.join(source, entry);
    const stat = fs.lstatSync(from);
    if (stat.isSymbolicLink()) {
      const existing = target.lstat(entry);
      if (existing?.isDirectory()) throw new UnsafePathError(`${target.pathOf(entry)} is a directory; cannot put the link ${from} there`);
      if (existing) target.remove(entry);
      target.symlink(fs.readlinkSync(from), entry);
    } else if (stat.isDirectory()) {
      // Writable while filling; the source's mode once full.
      const sub = target.dir(entry, { mode: 0o755 });
      try {
        copyInto(from, sub);
        fs.chmodSync(via(sub.fd), stat.mode & 0o777);
      } finally {
        sub.close();
      }
    } else if (stat.isFile()) {
      target.copyFileIn(from, entry, stat.mode & 0o777);
    } else {
      throw new UnsafePathError(`${from} is ${kind(stat)}, which cannot be copied`);
    }
  }
}

/** Opens a host file for reading without following a last-name link or blocking on a FIFO; must be a regular file. */
export function openRegularForReading(file: string, follow = false): number {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | (follow ? 0 : O_NOFOLLOW) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  } catch (error) {
    if (code(error) === 'ELOOP') throw new UnsafePathError(`${file} is a symbolic link; refusing to follow it`);
    throw error;
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new UnsafePathError(`${file} is ${kind(stat)}, not a regular file`);
  }
  return fd;
}

function copyDescriptor(from: number, to: number): void {
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const n = fs.readSync(from, buffer, 0, buffer.length, null);
    if (n === 0) return;
    let written = 0;
    while (written < n) written += fs.writeSync(to, buffer, written, n - written);
  }
}

function kind(stat: fs.Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFile()) return 'a regular file';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'a special file';
}

function describe(p: string): string {
  try {
    return kind(fs.lstatSync(p));
  } catch {
    return 'missing';
  }
}

function describeAt(dirFd: number, name: string): string {
  try {
    const fd = openAt(dirFd, name, O_PATH);
    try {
      return kind(fs.fstatSync(fd));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 'not a directory';
  }
}
