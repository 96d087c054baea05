// The language server's stdio transport, with one difference from the library's: publishDiagnostics is
// encoded from remembered pieces. The checks hand out the same Diagnostic object for a finding on every edit
// that leaves it alone (checks/published.ts; never mutated once made), so each diagnostic's JSON is made once
// and reused. On a job with a thousand tasks that is most of the 450 KB sent after every keystroke, and
// JSON.stringify of all of it was the largest cost after the parse itself.
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
} from 'vscode-languageserver/node';

/** Diagnostics lists shorter than this are encoded the ordinary way: remembering them gains nothing. */
const REMEMBERED_FROM = 32;

const encoded = new WeakMap<object, string>();

function diagnosticJson(diagnostic: object): string {
  let json = encoded.get(diagnostic);
  if (json === undefined) {
    json = JSON.stringify(diagnostic);
    encoded.set(diagnostic, json);
  }
  return json;
}

interface PublishMessage {
  jsonrpc: string;
  method: 'textDocument/publishDiagnostics';
  params: { uri: string; version?: number; diagnostics: object[] };
}

function isLargePublish(message: unknown): message is PublishMessage {
  const m = message as Partial<PublishMessage> | null;
  return !!m && m.method === 'textDocument/publishDiagnostics' && Array.isArray(m.params?.diagnostics) && m.params.diagnostics.length >= REMEMBERED_FROM && Object.keys(m).length === 3 && Object.keys(m.params).every((k) => k === 'uri' || k === 'version' || k === 'diagnostics');
}

/** The JSON text of a message; equal (as JSON) to JSON.stringify(message). */
export function encodeMessage(message: unknown): string {
  if (!isLargePublish(message)) return JSON.stringify(message);
  const { uri, version, diagnostics } = message.params;
  const parts = new Array<string>(diagnostics.length);
  for (let i = 0; i < diagnostics.length; i++) parts[i] = diagnosticJson(diagnostics[i]);
  const versionPart = version === undefined ? '' : `"version":${JSON.stringify(version)},`;
  return `{"jsonrpc":${JSON.stringify(message.jsonrpc)},"method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(uri)},${versionPart}"diagnostics":[${parts.join(',')}]}}`;
}

const encoder = {
  name: 'application/json',
  encode(message: unknown, options: { charset: BufferEncoding }): Promise<Uint8Array> {
    try {
      return Promise.resolve(Buffer.from(encodeMessage(message), options.charset));
    } catch (error) {
      return Promise.reject(error);
    }
  },
};

/** A connection over this process's stdin and stdout. */
export function createStdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: encoder });
  return createConnection(ProposedFeatures.all, reader, writer);
}
