// The stdio transport encodes large publishDiagnostics from remembered pieces: the text must be the same JSON
// as the library's JSON.stringify, for every shape of message, and a remembered diagnostic keeps its text.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { encodeBytes, SingleWriteMessageWriter } from '../server/src/stdioTransport';
import { encodedBy, encodedOnce } from '../server/src/replyJson';

/** The JSON text the transport sends for a message. */
const encodeMessage = (message: unknown): string => encodeBytes(message).toString('utf-8');

function diagnostic(i: number): Record<string, unknown> {
  return {
    range: { start: { line: i, character: 2 }, end: { line: i, character: 9 } },
    severity: (i % 4) + 1,
    code: i % 2 ? 'command-location' : 'unknown-attribute',
    source: 'nomad-exec',
    message: `finding ${i}: "quoted" \\ back\nslash — ünïcödé \u2028 ${'x'.repeat(i % 7)}`,
    ...(i % 3 === 0 ? { data: { exists: i % 2 === 0, hostPaths: ['/bin/sh'] } } : {}),
  };
}

const publish = (diagnostics: unknown[], version?: number | null) => ({
  jsonrpc: '2.0',
  method: 'textDocument/publishDiagnostics',
  params: { uri: 'file:///jobs/a "b".nomad.hcl', ...(version === undefined ? {} : { version }), diagnostics },
});

test('large and small publishes, with and without a version, encode to the same JSON as JSON.stringify', () => {
  const many = Array.from({ length: 100 }, (_, i) => diagnostic(i));
  for (const message of [publish(many, 7), publish(many), publish(many, null), publish(many.slice(0, 3), 2), publish([], 1)]) {
    const text = encodeMessage(message);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(message)));
  }
});

test('a remembered diagnostic is encoded as before when it comes back in the next publish', () => {
  const many = Array.from({ length: 40 }, (_, i) => diagnostic(i));
  const first = encodeMessage(publish(many, 1));
  const next = [...many.slice(0, 10), diagnostic(1000), ...many.slice(10)];
  const second = encodeMessage(publish(next, 2));
  assert.deepEqual(JSON.parse(second).params.diagnostics, JSON.parse(JSON.stringify(next)));
  assert.ok(first.includes(JSON.stringify(many[5])) && second.includes(JSON.stringify(many[5])));
});

test('other messages, and publishes with keys this encoder does not know, are left to JSON.stringify', () => {
  const many = Array.from({ length: 40 }, (_, i) => diagnostic(i));
  const odd = { ...publish(many, 3), id: 4 };
  const extra = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///x', diagnostics: many, extra: true } };
  const request = { jsonrpc: '2.0', id: 1, result: { contents: { kind: 'markdown', value: 'doc' } } };
  for (const message of [odd, extra, request]) assert.equal(encodeMessage(message), JSON.stringify(message));
});

test('a reply a feature marked is encoded from its kept text, the same JSON as JSON.stringify, under each request id', () => {
  const locations = encodedOnce(Array.from({ length: 50 }, (_, i) => ({ uri: 'file:///jobs/a "b".nomad.hcl', range: { start: { line: i, character: 1 }, end: { line: i, character: 5 } } })));
  for (const id of [1, 'x"y', null]) {
    const message = { jsonrpc: '2.0', id, result: locations };
    assert.equal(encodeMessage(message), JSON.stringify(message));
    assert.equal(encodeBytes(message).toString('utf-8'), JSON.stringify(message));
  }
  const edit = { changes: { 'file:///x': [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'ü' }] } };
  let made = 0;
  const marked = encodedBy(edit, () => (made++, JSON.stringify(edit)));
  const message = { jsonrpc: '2.0', id: 9, result: marked };
  assert.equal(encodeBytes(message).toString('utf-8'), JSON.stringify(message));
  assert.equal(encodeMessage(message), JSON.stringify(message));
  assert.equal(made, 1, 'the text is made once');
  // Marked with its bytes (a rename's edits put together from pieces): written as they are.
  const bytesEdit = { changes: { 'file:///jobs/é.nomad.hcl': [{ range: { start: { line: 2, character: 3 }, end: { line: 2, character: 4 } }, newText: 'x' }] } };
  const byBytes = { jsonrpc: '2.0', id: 10, result: encodedBy(bytesEdit, () => Buffer.from(JSON.stringify(bytesEdit), 'utf-8')) };
  assert.equal(encodeBytes(byBytes).toString('utf-8'), JSON.stringify(byBytes));
  assert.equal(encodeMessage(byBytes), JSON.stringify(byBytes));
  // An error reply or an unmarked result is left to JSON.stringify.
  const error = { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'no' } };
  assert.equal(encodeBytes(error).toString('utf-8'), JSON.stringify(error));
});

test('a full answer to a diagnostic pull encodes to the same JSON as JSON.stringify, its diagnostics remembered', () => {
  const many = Array.from({ length: 40 }, (_, i) => diagnostic(i));
  for (const id of [3, 'req "7"']) {
    const answer = { jsonrpc: '2.0', id, result: { kind: 'full', resultId: '12', items: many } };
    const text = encodeMessage(answer);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(answer)));
    assert.ok(text.includes(JSON.stringify(many[5])));
  }
  const unchanged = { jsonrpc: '2.0', id: 4, result: { kind: 'unchanged', resultId: '12' } };
  const small = { jsonrpc: '2.0', id: 5, result: { kind: 'full', resultId: '13', items: many.slice(0, 2) } };
  for (const message of [unchanged, small]) assert.equal(encodeMessage(message), JSON.stringify(message));
});

test('the writer hands each message to the stream in one call, header and body, its length counted in bytes', async () => {
  // Each call the stream gets, as its bytes: a small message comes as one chunk, a large one as its pieces
  // in one writev (what a pipe sends with one system call).
  const calls: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      calls.push(chunk);
      done();
    },
    writev(chunks, done) {
      calls.push(Buffer.concat(chunks.map(({ chunk }) => chunk as Buffer)));
      done();
    },
  });
  const writer = new SingleWriteMessageWriter(out);
  // A reply marked with its bytes goes out as head, bytes and tail: one header counting all three.
  const edit = { changes: { 'file:///jobs/ü.nomad.hcl': [] } };
  const marked = { jsonrpc: '2.0', id: 2, result: encodedBy(edit, () => Buffer.from(JSON.stringify(edit), 'utf-8')) };
  const bigEdit = { changes: { 'file:///jobs/ü.nomad.hcl': Array.from({ length: 1000 }, (_, i) => ({ range: { start: { line: i, character: 2 }, end: { line: i, character: 6 } }, newText: 'nëw' })) } };
  const big = { jsonrpc: '2.0', id: 3, result: encodedBy(bigEdit, () => Buffer.from(JSON.stringify(bigEdit), 'utf-8')) };
  const messages = [
    publish(Array.from({ length: 40 }, (_, i) => diagnostic(i)), 3),
    { jsonrpc: '2.0', id: 1, result: { contents: 'ünïcödé —' } },
    marked,
    big,
    publish(Array.from({ length: 400 }, (_, i) => diagnostic(i)), 4),
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x' } },
  ];
  for (const message of messages) await writer.write(message as never);
  assert.equal(calls.length, messages.length);
  assert.ok(calls[3].length > 16 * 1024 && calls[4].length > 16 * 1024, 'two of them large');
  calls.forEach((call, i) => {
    const text = call.toString('utf-8');
    const [header, body] = text.split('\r\n\r\n');
    assert.equal(header, `Content-Length: ${Buffer.byteLength(body, 'utf-8')}`);
    assert.deepEqual(JSON.parse(body), JSON.parse(JSON.stringify(messages[i])));
  });
});

test('a stream that fails is reported through the writer, and the write is refused', async () => {
  const out = new Writable({
    write(_chunk, _encoding, done) {
      done(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }));
    },
  });
  out.on('error', () => undefined);
  const writer = new SingleWriteMessageWriter(out);
  const errors: Error[] = [];
  writer.onError(([error]) => void errors.push(error));
  await assert.rejects(writer.write({ jsonrpc: '2.0', method: 'x', params: {} } as never), /broken pipe/);
  assert.ok(errors.some((e) => /broken pipe/.test(e.message)));
});

test('over stdio, whatever prints to the console goes to stderr, and the server ends when the client closes stdin', async () => {
  // The attack on the stream: a library's console.log in the server would put text between the client's
  // messages. The twin: a real message still reaches stdout, framed.
  const transport = path.join(__dirname, '../server/src/stdioTransport.js');
  const script = `
    const { createStdioConnection } = require(${JSON.stringify(transport)});
    const connection = createStdioConnection();
    console.log('stray log'); console.info('stray info', { n: 1 }); console.debug('stray debug'); console.dir({ stray: 'dir' }); console.count('stray count');
    connection.sendNotification('window/logMessage', { type: 3, message: 'framed' });
    connection.listen();
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const framed = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('framed') && resolve()));
  await framed;
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, 'the server ends when its input ends');
  assert.ok(!stdout.includes('stray'), `stdout holds only protocol messages: ${stdout}`);
  const body = stdout.slice(stdout.indexOf('\r\n\r\n') + 4);
  assert.equal(stdout.slice(0, stdout.indexOf('\r\n')), `Content-Length: ${Buffer.byteLength(body)}`);
  assert.equal(JSON.parse(body).params.message, 'framed');
  for (const word of ['stray log', 'stray info', 'stray debug', "stray: 'dir'", 'stray count: 1']) assert.ok(stderr.includes(word), `${word} in stderr: ${stderr}`);
});
