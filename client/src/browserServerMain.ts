// Entry of the language server in a browser Web Worker (dist/web-server.js), started by browserExtension.ts.
// The same server as dist/server.js: the bundle swaps in the browser host (server/src/host/browserHost.ts).
// The client's first message carries the parser's wasm files; LSP messages follow, so the connection is made
// only once that message is in.
import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures, type Message } from 'vscode-languageserver/browser';
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

/**
 * Messages go to the client by postMessage, whose structured clone copies an object's own fields and drops its
 * class: the model's ranges (model/positions.ts TextRange: packed numbers, `start` and `end` made when read)
 * would arrive without `start` and `end`. JSON gives every range its LSP shape, as on stdio.
 */
class PlainMessageWriter extends BrowserMessageWriter {
  override write(msg: Message): Promise<void> {
    return super.write(JSON.parse(JSON.stringify(msg)) as Message);
  }
}

const scope = globalThis as unknown as WorkerScope;

const onSetup = (event: { data: unknown }): void => {
  const setup = event.data as Partial<WorkerSetup> | undefined;
  if (!(setup?.nomadExecWasm?.runtime instanceof Uint8Array) || !(setup.nomadExecWasm.grammar instanceof Uint8Array)) return;
  scope.removeEventListener('message', onSetup);
  setParserWasm(setup.nomadExecWasm);
  const worker = globalThis as unknown as ConstructorParameters<typeof BrowserMessageReader>[0];
  startServer(createConnection(ProposedFeatures.all, new BrowserMessageReader(worker), new PlainMessageWriter(worker)));
};
scope.addEventListener('message', onSetup);
