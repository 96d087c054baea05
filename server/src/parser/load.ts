// Loads web-tree-sitter and the HCL grammar exactly once per process. The host finds both wasm files: in
// Node next to their npm packages, or copies named by options or environment variables
// (NOMAD_EXEC_TREE_SITTER_WASM, NOMAD_EXEC_HCL_WASM; see host/nodeHost.ts); in a browser, fetched from the
// extension's folder.
import { Language, Parser } from 'web-tree-sitter';
import { host, type ParserWasmOptions } from '../host';

export type LoadOptions = ParserWasmOptions;

let loading: Promise<Language> | undefined;

/** The HCL language, loaded on first use; later calls share the same promise. */
export function loadHclLanguage(options: LoadOptions = {}): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      const wasm = await host.parserWasm(options);
      const runtime = wasm.runtimePath;
      // Given as bytes, the runtime still asks locateFile for a name (which it then does not fetch).
      if (wasm.runtimeBytes) await Parser.init({ wasmBinary: wasm.runtimeBytes, locateFile: () => 'tree-sitter.wasm' });
      else await Parser.init(runtime ? { locateFile: () => runtime } : undefined);
      return Language.load(wasm.grammar);
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
