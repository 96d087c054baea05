// A V8 code cache for this project's own modules, so that `nomad-exec run` starts faster: the second and
// later runs skip compiling ~60 modules (about a third of the module loading time). Node 22 has this built
// in (module.enableCompileCache); on older Node a small hook on Module.prototype._compile does the same,
// keyed by the file's path and a hash of its content so that a rebuilt file is never served stale.
// Set NOMAD_EXEC_NO_COMPILE_CACHE=1 to turn it off. Any failure falls back to normal compilation.
//
// Cached code runs as whoever runs `nomad-exec run` (root included), so the cache must be the user's alone:
// it lives in the user's cache folder ($XDG_CACHE_HOME or ~/.cache, never the shared temp folder), created
// 0700, and a folder that is a link, belongs to someone else or is writable by others turns the cache off.
import * as crypto from 'crypto';
import * as fs from 'fs';
import Module = require('module');
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

interface InternalModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}

interface ModuleStatics {
  prototype: InternalModule;
  wrap(content: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  _extensions: unknown;
  enableCompileCache?: (dir?: string) => unknown;
}

let enabled = false;

/** The user's cache folder for nomad-exec: `$XDG_CACHE_HOME` (when absolute) or `~/.cache`. */
export function userCacheBase(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
}

/** Why `dir` must not hold code this user will run, or undefined when it is the user's alone. */
export function unsafeFolderReason(dir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (error) {
    return `${dir}: ${(error as Error).message}`;
  }
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  const uid = process.geteuid?.();
  if (uid !== undefined && stat.uid !== uid) return `${dir} belongs to uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & 0o022) !== 0) return `${dir} is writable by other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * `<base>/nomad-exec/v8-<uid>`, created 0700, when it and `<base>/nomad-exec` are the user's own
 * directories that nobody else may write; undefined (no cache) otherwise.
 */
export function privateCacheDir(base = userCacheBase()): string | undefined {
  const parent = path.join(base, 'nomad-exec');
  const dir = path.join(parent, `v8-${process.geteuid?.() ?? 'user'}`);
  try {
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  // One level at a time, each checked before anything is made inside it: mkdir never follows a planted
  // link (EEXIST), and a checked folder only its owner can write cannot be swapped afterwards.
  for (const folder of [parent, dir]) {
    try {
      fs.mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    if (unsafeFolderReason(folder) !== undefined) return undefined;
  }
  return dir;
}

/** Caches compiled code of modules under `root` (default: this checkout, out/ and node_modules/). */
export function enableCompileCache(root = path.resolve(__dirname, '..', '..', '..')): void {
  if (enabled || process.env.NOMAD_EXEC_NO_COMPILE_CACHE) return;
  enabled = true;
  const statics = Module as unknown as ModuleStatics;
  const dir = privateCacheDir();
  if (dir === undefined) return;
  if (typeof statics.enableCompileCache === 'function') {
    try {
      statics.enableCompileCache(dir);
    } catch {
      // not fatal
    }
    return;
  }
  const original = statics.prototype._compile;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  statics.prototype._compile = function compileWithCache(this: InternalModule, content: string, filename: string): unknown {
    // `import()` inside a vm.Script would need an experimental loader option: such files compile normally.
    if (!filename.startsWith(prefix) || content.includes('import(')) return original.call(this, content, filename);
    let fn: (...args: unknown[]) => unknown;
    try {
      const key = path.join(dir, crypto.createHash('sha1').update(filename).update('\0').update(content).digest('hex'));
      let cachedData: Buffer | undefined;
      try {
        cachedData = fs.readFileSync(key);
      } catch {
        cachedData = undefined;
      }
      const script = new vm.Script(statics.wrap(content), { filename, cachedData });
      if (cachedData === undefined || script.cachedDataRejected) {
        try {
          fs.writeFileSync(key, script.createCachedData(), { mode: 0o600 });
        } catch {
          // a read-only tmp only costs speed
        }
      }
      fn = script.runInThisContext({ displayErrors: true }) as typeof fn;
    } catch {
      return original.call(this, content, filename);
    }
    const mod = this;
    const moduleRequire = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => statics._resolveFilename(request, mod, false, options),
      main: require.main,
      cache: statics._cache,
      extensions: statics._extensions,
    });
    return fn.call(mod.exports, mod.exports, moduleRequire, mod, filename, path.dirname(filename));
  };
}
