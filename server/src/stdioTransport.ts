// The language server's stdio transport (`nomad-exec lsp --stdio` and the extension's server). Where it
// differs from the library's:
// - publishDiagnostics (and a full answer to a diagnostic pull) is encoded from remembered pieces. The checks
//   hand out the same Diagnostic object for a finding on every edit that leaves it alone (checks/published.ts;
//   never mutated once made), so each diagnostic's JSON is made once and reused. On a job with a thousand
//   tasks that is most of the 450 KB sent after every keystroke. Replies a feature marked (replyJson.ts: the
//   references of a name used a thousand times, a rename's edits) are written from the bytes it keeps or makes.
// - each message is written in one system call (SingleWriteMessageWriter);
// - the console prints to stderr, and the server ends when its input ends (createStdioConnection).
import {
  AbstractMessageWriter,
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  type Connection,
  type Message,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { format, inspect, type InspectOptions } from 'node:util';
import type { Writable } from 'node:stream';
import { knownBytes } from './replyJson';
import { startServer } from './server';

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

interface ResultMessage {
  jsonrpc: string;
  id: number | string | null;
  result: unknown;
}

function isResult(message: unknown): message is ResultMessage {
  const m = message as Partial<ResultMessage> | null;
  return !!m && typeof m === 'object' && 'result' in m && typeof m.result === 'object' && Object.keys(m).length === 3 && 'id' in m && 'jsonrpc' in m;
}

function resultHead(message: ResultMessage): string {
  return `{"jsonrpc":${JSON.stringify(message.jsonrpc)},"id":${JSON.stringify(message.id)},"result":`;
}

/** A full answer to a diagnostic pull (textDocument/diagnostic): `{ kind: 'full', resultId, items }`. */
interface PullAnswer {
  jsonrpc: string;
  id: number | string;
  result: { kind: 'full'; resultId: string; items: object[] };
}

function isLargePullAnswer(message: unknown): message is PullAnswer {
  const m = message as Partial<PullAnswer> | null;
  const r = m?.result;
  return !!m && !!r && r.kind === 'full' && typeof r.resultId === 'string' && Array.isArray(r.items) && r.items.length >= REMEMBERED_FROM && (typeof m.id === 'number' || typeof m.id === 'string') && Object.keys(m).length === 3 && Object.keys(r).length === 3;
}

function joined(diagnostics: readonly object[]): string {
  const parts = new Array<string>(diagnostics.length);
  for (let i = 0; i < diagnostics.length; i++) parts[i] = diagnosticJson(diagnostics[i]);
  return parts.join(',');
}

function plainJson(message: unknown): string {
  if (isLargePullAnswer(message)) {
    const { id, result } = message;
    return `{"jsonrpc":${JSON.stringify(message.jsonrpc)},"id":${JSON.stringify(id)},"result":{"kind":"full","resultId":${JSON.stringify(result.resultId)},"items":[${joined(result.items)}]}}`;
  }
  if (!isLargePublish(message)) return JSON.stringify(message);
  const { uri, version, diagnostics } = message.params;
  const versionPart = version === undefined ? '' : `"version":${JSON.stringify(version)},`;
  return `{"jsonrpc":${JSON.stringify(message.jsonrpc)},"method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(uri)},${versionPart}"diagnostics":[${joined(diagnostics)}]}}`;
}

/**
 * The UTF-8 bytes of a message's JSON text, in pieces to put one after the other; equal (as JSON) to
 * JSON.stringify(message).
 */
function encodeChunks(message: unknown): Uint8Array[] {
  if (isResult(message)) {
    // A marked reply's bytes are kept with it: handed out again, it is copied, not encoded.
    const bytes = knownBytes(message.result);
    if (bytes) return [Buffer.from(resultHead(message), 'utf-8'), bytes, CLOSE];
  }
  return [Buffer.from(plainJson(message), 'utf-8')];
}

/** The UTF-8 bytes of a message's JSON text; equal (as JSON) to JSON.stringify(message). */
export function encodeBytes(message: unknown): Buffer {
  const chunks = encodeChunks(message);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

const CLOSE = Buffer.from('}');

/** Bodies from this size on are written as their pieces rather than copied behind the header (see the writer). */
const LARGE_BODY = 16 * 1024;

/**
 * Writes each message in one system call: its header and body together. The library's writer writes the
 * header, waits for it, then writes the body: two system calls per message, and on a pipe each one wakes the
 * reader, which then reads a header alone. Measured on a 1,000-line job, the two writes were about a tenth of
 * the server's time per keystroke. A small message is copied behind its header into one chunk; a large one
 * (a publish of thousands of diagnostics, the references of a name used everywhere, kept as bytes) is handed
 * over as its pieces in one corked write, which the stream sends with one writev: copying 200 KB for each
 * reply, into a new buffer each time, cost more than that. Messages are encoded synchronously
 * (encodeChunks), so they are written in the order they are handed over without the library's queue.
 */
export class SingleWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly out: NodeJS.WritableStream & Partial<Pick<Writable, 'cork' | 'uncork'>>) {
    super();
    out.on('error', (error: unknown) => this.fireError(error));
    out.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let chunks: Uint8Array[];
    try {
      const body = encodeChunks(message);
      let length = 0;
      for (const chunk of body) length += chunk.byteLength;
      const header = Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'ascii');
      chunks = length < LARGE_BODY || !this.out.cork ? [Buffer.concat([header, ...body])] : [header, ...body];
    } catch (error) {
      this.fireError(error);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const done = (error?: Error | null): void => {
        if (!error) return resolve();
        this.errorCount++;
        this.fireError(error, message, this.errorCount);
        reject(error);
      };
      const out = this.out;
      if (chunks.length === 1) {
        out.write(chunks[0], done);
        return;
      }
      out.cork!();
      for (let i = 0; i < chunks.length - 1; i++) out.write(chunks[i]);
      out.write(chunks[chunks.length - 1], done);
      out.uncork!();
    });
  }

  end(): void {
    // Nothing is held back: every message was handed to the stream when written.
  }
}

let inputChunks = 0;

/** Chunks read from stdin so far (the analyses' slices are short right after input: documents.ts). */
export function stdinChunks(): number {
  return inputChunks;
}

/**
 * stdout carries the protocol: anything else printed there (a library's console.log, the wasm runtime's
 * printf) would corrupt the stream for the client. The library routes the console elsewhere only when it
 * opens stdio itself, not for a reader and writer handed to it, so the console prints to stderr here.
 */
function consoleToStderr(): void {
  const write = (...args: unknown[]): void => void process.stderr.write(format(...args) + '\n');
  console.log = write;
  console.info = write;
  console.debug = write;
  console.dir = (item: unknown, options?: InspectOptions): void => void process.stderr.write(inspect(item, options) + '\n');
}

/** A connection over this process's stdin and stdout. */
export function createStdioConnection(): Connection {
  consoleToStderr();
  process.stdin.on('data', () => void inputChunks++);
  // The client closing its end ends the session: an editor that went away sends no `exit`.
  process.stdin.on('end', () => process.exit(0));
  const reader = new StreamMessageReader(process.stdin);
  const writer = new SingleWriteMessageWriter(process.stdout);
  return createConnection(ProposedFeatures.all, reader, writer);
}

/** The language server on this process's stdin and stdout, with this transport (the CLI's and the extension's). */
export function startStdioServer(): void {
  startServer(createStdioConnection(), { inputCount: stdinChunks });
}
