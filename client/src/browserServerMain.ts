// Entry of the language server in a browser Web Worker (dist/web-server.js), started by browserExtension.ts.
// The same server as dist/server.js: the bundle swaps in the browser host (server/src/host/browserHost.ts).
// The client's first message carries the parser's wasm files; LSP messages follow, so the connection is made
// only once that message is in.
import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures } from 'vscode-languageserver/browser';
import { setParserWasm } from '../../server/src/host/browserHost';
import { startServer } from '../../server/src/server';

/** The first message from the client, before any LSP message. */
export interface WorkerSetup {
  nomadExecWasm: { runtime: Uint8Array; grammar: Uint8Array };
}

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

const onSetup = (event: { data: unknown }): void => {
  const setup = event.data as Partial<WorkerSetup> | undefined;
  if (!(setup?.nomadExecWasm?.runtime instanceof Uint8Array) || !(setup.nomadExecWasm.grammar instanceof Uint8Array)) return;
  scope.removeEventListener('message', onSetup);
  setParserWasm(setup.nomadExecWasm);
  const worker = globalThis as unknown as ConstructorParameters<typeof BrowserMessageReader>[0];
  startServer(createConnection(ProposedFeatures.all, new BrowserMessageReader(worker), new BrowserMessageWriter(worker)));
};
scope.addEventListener('message', onSetup);
