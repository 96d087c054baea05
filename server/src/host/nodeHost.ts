// The server's host in a Node process: the real file system, environment, hashes and V8 heap.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { HeapAccess, ParserWasmOptions, ServerHost } from './types';

function firstExisting(candidates: (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function resolveInPackage(spec: string): string | undefined {
  try {
    return require.resolve(spec);
  } catch {
    return undefined;
  }
}

function packageDir(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * Where the runtime wasm lives: option, environment, the installed package, or beside this file (bundles).
 *   NOMAD_EXEC_TREE_SITTER_WASM  path of web-tree-sitter's tree-sitter.wasm
 */
function runtimeWasmPath(options: ParserWasmOptions = {}): string | undefined {
  const pkg = packageDir('web-tree-sitter');
  return firstExisting([
    options.runtimeWasm,
    process.env.NOMAD_EXEC_TREE_SITTER_WASM,
    pkg && path.join(pkg, 'tree-sitter.wasm'),
    path.join(__dirname, 'tree-sitter.wasm'),
  ]);
}

/** The same for tree-sitter-hcl.wasm (NOMAD_EXEC_HCL_WASM). */
function grammarWasmPath(options: ParserWasmOptions = {}): string | undefined {
  return firstExisting([
    options.grammarWasm,
    process.env.NOMAD_EXEC_HCL_WASM,
    resolveInPackage('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'),
    packageDir('@tree-sitter-grammars/tree-sitter-hcl') &&
      path.join(packageDir('@tree-sitter-grammars/tree-sitter-hcl')!, 'tree-sitter-hcl.wasm'),
    path.join(__dirname, 'tree-sitter-hcl.wasm'),
  ]);
}

const heap: HeapAccess = {
  oldGenerationUsed() {
    // One reading of the spaces (it makes an object per space): the server asks after every edit.
    let oldSpace: number | undefined;
    let largeObjects = 0;
    for (const space of v8.getHeapSpaceStatistics()) {
      if (space.space_name === 'old_space') oldSpace = space.space_used_size;
      else if (space.space_name === 'large_object_space') largeObjects = space.space_used_size;
    }
    return { oldSpace: oldSpace ?? v8.getHeapStatistics().used_heap_size, largeObjects };
  },
  residentBytes() {
    return process.memoryUsage.rss();
  },
  /**
   * Made callable without starting node with --expose-gc; undefined if V8 refuses. Asked for as a task of its
   * own (`execution: 'async'`), not called in place: called with JavaScript on the stack, a full collection
   * made V8 drop the optimised code of many more hot functions (measured on a 1,000-line job: about 70
   * functions compiled again in the 100 edits after it, against the usual 10 to 20). Either way a forced
   * collection costs the edits after it, which is why memory.ts asks for one only at a pause.
   */
  collector() {
    const gc = exposedGc();
    return gc ? () => gc({ type: 'major', execution: 'async' }) : undefined;
  },
};

type Gc = (options: { type: 'major'; execution: 'async' }) => Promise<void>;

function exposedGc(): Gc | undefined {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as Gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    // The flag only affects contexts created after it is set: a fresh context gets `gc`.
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Gc) : undefined;
  } catch {
    return undefined;
  }
}

export const platformHost: ServerHost = {
  kind: 'node',
  fs,
  fileUrlToPath: (uri) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined),
  pathToFileUrl: (file) => pathToFileURL(file).toString(),
  env: (name) => process.env[name],
  hash: (algorithm, text) => crypto.createHash(algorithm).update(text, 'utf8').digest('hex'),
  heap,
  reserveFileThreads(count) {
    // libuv reads it when the pool first starts: later, it changes nothing.
    process.env.UV_THREADPOOL_SIZE ??= String(count);
  },
  async parserWasm(options) {
    const runtimePath = runtimeWasmPath(options);
    const grammar = grammarWasmPath(options);
    if (!grammar) throw new Error('tree-sitter-hcl.wasm not found; set NOMAD_EXEC_HCL_WASM to its path');
    // Given as bytes: with a path, web-tree-sitter reads it through `import('fs/promises')`, which starts
    // Node's ES module loader (several milliseconds of a `nomad-exec run` start-up).
    return { runtimePath, grammar: fs.readFileSync(grammar) };
  },
};
