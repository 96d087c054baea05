// The server's host in a browser Web Worker (vscode.dev, github.dev): no file system, environment, V8 heap or
// synchronous hashing, so those answers are "not here" and what needs them is skipped. The wasm files are
// fetched from the extension's own folder, whose URL the client hands over before the server starts
// (browserServerMain.ts): a worker's own location may be a blob: URL, so it cannot be derived.
import type { ServerHost } from './types';

let wasmBase: string | undefined;

/** Where dist/ of the extension is (a URL ending in `/`); set once, before the parser loads. */
export function setWasmBase(url: string): void {
  wasmBase = url.endsWith('/') ? url : url + '/';
}

async function fetchBytes(name: string): Promise<Uint8Array> {
  if (!wasmBase) throw new Error(`cannot load ${name}: the client did not say where the extension's files are`);
  const url = new URL(name, wasmBase).toString();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
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
    const [runtimeBytes, grammar] = await Promise.all([fetchBytes('tree-sitter.wasm'), fetchBytes('tree-sitter-hcl.wasm')]);
    return { runtimeBytes, grammar };
  },
};

