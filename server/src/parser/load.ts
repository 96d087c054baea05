// Loads web-tree-sitter and the HCL grammar exactly once per process. Both are wasm files found next to
// their npm packages; a bundled build (dist/) can point at copies with options or environment variables:
//   NOMAD_EXEC_TREE_SITTER_WASM  path of web-tree-sitter's tree-sitter.wasm
//   NOMAD_EXEC_HCL_WASM          path of tree-sitter-hcl.wasm
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export interface LoadOptions {
  /** Path of web-tree-sitter's own tree-sitter.wasm. */
  runtimeWasm?: string;
  /** Path of tree-sitter-hcl.wasm. */
  grammarWasm?: string;
}

let loading: Promise<Language> | undefined;

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

/** Where the runtime wasm lives: option, environment, the installed package, or beside this file (bundles). */
export function runtimeWasmPath(options: LoadOptions = {}): string | undefined {
  const pkg = packageDir('web-tree-sitter');
  return firstExisting([
    options.runtimeWasm,
    process.env.NOMAD_EXEC_TREE_SITTER_WASM,
    pkg && path.join(pkg, 'tree-sitter.wasm'),
    path.join(__dirname, 'tree-sitter.wasm'),
  ]);
}

export function grammarWasmPath(options: LoadOptions = {}): string | undefined {
  return firstExisting([
    options.grammarWasm,
    process.env.NOMAD_EXEC_HCL_WASM,
    resolveInPackage('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'),
    packageDir('@tree-sitter-grammars/tree-sitter-hcl') &&
      path.join(packageDir('@tree-sitter-grammars/tree-sitter-hcl')!, 'tree-sitter-hcl.wasm'),
    path.join(__dirname, 'tree-sitter-hcl.wasm'),
  ]);
}

/** The HCL language, loaded on first use; later calls share the same promise. */
export function loadHclLanguage(options: LoadOptions = {}): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      const runtime = runtimeWasmPath(options);
      await Parser.init(runtime ? { locateFile: () => runtime } : undefined);
      const grammar = grammarWasmPath(options);
      if (!grammar) throw new Error('tree-sitter-hcl.wasm not found; set NOMAD_EXEC_HCL_WASM to its path');
      // Given as bytes: with a path, web-tree-sitter reads it through `import('fs/promises')`, which starts
      // Node's ES module loader (several milliseconds of a `nomad-exec run` start-up).
      return Language.load(fs.readFileSync(grammar));
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
