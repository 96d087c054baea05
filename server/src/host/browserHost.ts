// The server's host in a browser Web Worker (vscode.dev, github.dev): no file system, environment, V8 heap or
// synchronous hashing, so those answers are "not here" and what needs them is skipped. The client reads
// the parser's wasm files from the extension's folder and hands their bytes over before the server starts
// (client/src/browserServerMain.ts): the worker itself may be unable to fetch them (a remote extension's
// files are reachable only through the extension host's own fetch).
import type { ServerHost } from './types';

let wasm: { runtime: Uint8Array; grammar: Uint8Array } | undefined;

/** The bytes of tree-sitter.wasm and tree-sitter-hcl.wasm; set once, before the parser loads. */
export function setParserWasm(bytes: { runtime: Uint8Array; grammar: Uint8Array }): void {
  wasm = bytes;
}

export const platformHost: ServerHost = {
  kind: 'browser',
  fs: undefined,
  fileUrlToPath: () => undefined,
  pathToFileUrl: (file) => `file://${file}`,
  env: () => undefined,
  hash: () => undefined,
  heap: undefined,
  async parserWasm() {
    if (!wasm) throw new Error('the client did not hand over the parser\'s wasm files');
    return { runtimeBytes: wasm.runtime, grammar: wasm.grammar };
  },
};

