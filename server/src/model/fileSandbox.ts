// Reading a file that must lie inside a folder (Nomad's template sandbox, the job folder for HCL `file()` and
// local artifacts). The folder's content is hostile: a path may climb out with `..`, and a link inside the
// folder may point anywhere on the host. So the path is resolved with every link (realpath) and compared with
// the resolved folder, then the file is opened without following a final link and the descriptor's own path
// (/proc/self/fd) is compared with what was checked: a component swapped for a link between the check and
// the open is caught instead of followed. Refusals are FileSandboxError, which evaluation never turns into
// an unknown value: a refused read stops whatever needed it.
import * as path from 'node:path';
import { host, type HostFs } from '../host';

export class FileSandboxError extends Error {}

/** `child` is `parent` or below it (both absolute and normalised). */
export function isWithin(child: string, parent: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(prefix);
}

/** The machine's files; reads are refused where the server sees none (a browser). */
function files(shown: string): HostFs {
  if (!host.fs) throw new Error(`${shown}: no local files here`);
  return host.fs;
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return files(p).realpathSync(p);
  } catch {
    return undefined;
  }
}

export interface Sandbox {
  /** Folders the read may land in (host paths; resolved here). */
  roots: string[];
  /** The rule, for messages: `template sandbox`, `HCL file() sandbox`... */
  rule: string;
  /** What the roots are, for messages: "the task directory", "the job file's folder /x". */
  describe: string;
}

/** Refuses, naming the rule, when `file` (absolute) lies outside the sandbox before links are resolved. */
export function assertLexicallyInside(shown: string, file: string, sandbox: Sandbox): void {
  const normal = path.resolve(file);
  if (!sandbox.roots.some((root) => isWithin(normal, path.resolve(root)))) {
    throw new FileSandboxError(`${sandbox.rule}: ${shown} is ${normal}, outside ${sandbox.describe}`);
  }
}

/** Where a path leads with its links resolved; undefined when nothing is there. */
export type ResolveLinks = (file: string) => string | undefined;

/**
 * The real path of `file` when it exists and, with links resolved, lies inside the sandbox; undefined when it
 * does not exist (a dangling link included). Throws FileSandboxError when it leads outside. `resolve`: how
 * links are resolved, by default on this thread (the runner); the server's checks resolve them through their
 * cache, which looks a path up off the thread the first time (checks/machine.ts): a folder on a hung mount
 * must not hold the server.
 */
export function realPathInside(shown: string, file: string, sandbox: Sandbox, resolve: ResolveLinks = realpathOrUndefined): string | undefined {
  assertLexicallyInside(shown, file, sandbox);
  const real = resolve(path.resolve(file));
  if (real === undefined) return undefined;
  const roots = sandbox.roots.map((root) => resolve(path.resolve(root))).filter((r): r is string => r !== undefined);
  if (!roots.some((root) => isWithin(real, root))) {
    throw new FileSandboxError(`${sandbox.rule}: ${shown} leads through a link to ${real}, outside ${sandbox.describe}`);
  }
  return real;
}

/**
 * Reads `file` as UTF-8 when it lies inside the sandbox after resolving links (and, with `maxBytes`, is no
 * larger). Throws FileSandboxError or Error.
 */
export function readFileInside(shown: string, file: string, sandbox: Sandbox, maxBytes?: number): string {
  const real = realPathInside(shown, file, sandbox);
  if (real === undefined) throw new Error(`${shown} does not exist (${path.resolve(file)})`);
  // O_NONBLOCK: a FIFO planted where a file was expected must not hang the run.
  const fs = files(shown);
  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new FileSandboxError(`${sandbox.rule}: ${shown} became a link while it was opened, refused`);
    throw error;
  }
  try {
    let opened: string;
    try {
      opened = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch (error) {
      throw new FileSandboxError(`${sandbox.rule}: cannot confirm which file was opened for ${shown} (/proc/self/fd: ${(error as Error).message})`);
    }
    if (opened !== real) throw new FileSandboxError(`${sandbox.rule}: ${shown} changed while it was opened (now ${opened}), refused`);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${shown} is not a regular file`);
    if (maxBytes !== undefined && stat.size > maxBytes) throw new Error(`${shown} is larger than ${maxBytes} bytes`);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Local files a job reads beside itself (HCL `file()`, local artifact sources): only inside its folder. */
export function jobFolderSandbox(baseDir: string, what: string): Sandbox {
  return { roots: [baseDir], rule: `job folder sandbox (${what} only inside the job file's folder)`, describe: `the job file's folder ${baseDir}` };
}

/**
 * Var files a workspace names (its settings, a task definition): only inside the workspace folder. The user's
 * own (`--var-file`, user settings) are not held to it (launcher/src/variables.ts).
 */
export function workspaceSandbox(workspace: string): Sandbox {
  return {
    roots: [workspace],
    rule: "workspace sandbox (a var file named by the workspace's settings or a task definition is read only inside the workspace; your user settings or --var-file may name one elsewhere)",
    describe: `the workspace folder ${workspace}`,
  };
}

export const HCL_FILE_READS = 'file() and fileexists() read';
export const ARTIFACT_READS = 'a local artifact source is read';

/** Nomad's client default `template.disable_file_sandbox = false`, for template sources. */
export const TEMPLATE_SOURCE_RULE =
  "template sandbox (a template source is read only inside the task directory or the shared alloc dir; Nomad's template.disable_file_sandbox = false)";

/**
 * Task dirs a template `source` may name as the task sees them: what `${NOMAD_TASK_DIR}`, `${NOMAD_SECRETS_DIR}`
 * and `${NOMAD_ALLOC_DIR}` become (a client interpolates them to its own paths of the same dirs). Any other
 * absolute path is the host's, as on a client.
 */
export const TEMPLATE_SOURCE_PLACES: readonly string[] = ['/local', '/secrets', '/alloc'];

/** Why a template `source` as written leaves the task (before any host path is known), or undefined. */
export function templateSourceEscape(source: string): string | undefined {
  if (source.startsWith('/')) {
    const normal = path.posix.normalize(source);
    return TEMPLATE_SOURCE_PLACES.some((place) => normal === place || normal.startsWith(place + '/')) ? undefined : 'is a host path outside the task directory and the shared alloc dir';
  }
  const normal = path.posix.normalize(source);
  return normal === '..' || normal.startsWith('../') ? 'climbs out of the task directory' : undefined;
}
