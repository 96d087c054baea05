// Issue 15 over real JSON-RPC (stdio): a request about one document never waits for another document's
// analysis, a newer edit drops the analysis of the older text (it is never published), and files too large
// to analyse get a notice that follows the setting. Ordering of events only: no timings are asserted.
import test from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, testUri, type PublishedDiagnostics } from './helpers/lspClient';
import { execJobOfBytes, execJobOfLines } from '../bench/generate';
import { hugeString } from '../bench/pathological';

const SMALL = `job "web" {
  group "g" {
    task "t" {
      driver = "exec"

      config {
        command = "/bin/echo"
      }
    }
  }
}
`;

const hoverAt = (uri: string, line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

/**
 * Asks the whole-document features about `uri` and checks every position they answer with lies in the
 * document, its character inside its line (`lines`, split as LSP splits them).
 */
async function featuresInside(client: LspClient, uri: string, name: string, lines: string[]): Promise<void> {
  const textDocument = { uri };
  const inside = (what: string, line: number, character: number) => {
    assert.ok(line >= 0 && line < lines.length, `${name} ${what}: line ${line} of ${lines.length}`);
    assert.ok(character >= 0 && character <= lines[line].length, `${name} ${what}: character ${character} of ${lines[line].length} on line ${line}`);
  };
  const walk = (what: string, value: unknown): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(what, v));
    if (!value || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    if (typeof o.line === 'number' && typeof o.character === 'number') inside(what, o.line, o.character);
    for (const v of Object.values(o)) walk(what, v);
  };
  const whole = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
  for (const [method, params] of [
    ['textDocument/documentSymbol', {}],
    ['textDocument/codeLens', {}],
    ['textDocument/documentLink', {}],
    ['textDocument/inlayHint', { range: whole }],
    ['textDocument/formatting', { options: { tabSize: 2, insertSpaces: true } }],
  ] as const) {
    walk(method, await client.request(method, { textDocument, ...params }));
  }
  const folding = await client.request<{ startLine: number; endLine: number }[] | null>('textDocument/foldingRange', { textDocument });
  for (const f of folding ?? []) inside('folding', f.endLine, 0);
  // Semantic tokens: (line delta, start delta, length, type, modifiers) each; a token stays on its line.
  const tokens = await client.request<{ data: number[] } | null>('textDocument/semanticTokens/full', { textDocument });
  let line = 0;
  let character = 0;
  for (let i = 0; i + 4 < (tokens?.data.length ?? 0); i += 5) {
    const [dl, dc, length] = tokens!.data.slice(i, i + 3);
    line += dl;
    character = dl ? dc : character + dc;
    inside('semantic token', line, character + length);
  }
}

test('the language server never waits on another document', async (t) => {
  const client = await LspClient.start();
  t.after(() => client.stop());
  const small = testUri('responsive-small.nomad.hcl');
  client.open(small, SMALL);
  await client.diagnostics(small, 1);

  await t.test('hover and completion on a small document are answered before a 1 MB document is analysed', async () => {
    const big = testUri('responsive-big.nomad.hcl');
    const events: string[] = [];
    const bigDone = client.diagnostics(big, 1).then(() => events.push('big diagnostics'));
    client.open(big, execJobOfBytes(1024 * 1024));
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', hoverAt(small, 0, 1));
    events.push('hover');
    const completion = await client.request<{ items: { label: string }[] } | { label: string }[] | null>('textDocument/completion', hoverAt(small, 4, 6));
    events.push('completion');
    await bigDone;
    assert.deepEqual(events, ['hover', 'completion', 'big diagnostics']);
    assert.ok(hover && /job/i.test(hover.contents.value), JSON.stringify(hover));
    const items = Array.isArray(completion) ? completion : completion?.items ?? [];
    assert.ok(items.some((i) => i.label === 'user'), 'task attributes are offered');
    client.close(big);
  });

  await t.test('a newer edit drops the unfinished analysis of the older text: it is never published', async () => {
    const uri = testUri('responsive-stale.nomad.hcl');
    client.open(uri, execJobOfBytes(1024 * 1024));
    const v2 = client.change(uri, [{ text: SMALL.replace('/bin/echo', 'local/missing') }]);
    const latest = await client.diagnostics(uri, v2);
    // A round trip on the same document after it: anything the server still had to send came before.
    await client.request('textDocument/hover', hoverAt(uri, 0, 1));
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version);
    assert.deepEqual(versions, [v2]);
    assert.ok(latest.diagnostics.some((d) => d.code === 'command-not-provided'), 'the new text was checked');
    client.close(uri);
  });

  await t.test('the size notice appears and disappears as nomadExec.maxFileSize changes', async () => {
    const uri = testUri('responsive-size.nomad.hcl');
    const text = execJobOfLines(100);
    client.open(uri, text);
    const full = await client.diagnostics(uri, 1);
    assert.ok(!full.diagnostics.some((d) => d.code === 'analysis-limit'));
    const limited = client.nextPublication(uri, (p) => p.diagnostics.some((d) => d.code === 'analysis-limit'));
    client.changeConfiguration({ nomadExec: { maxFileSize: 0.001 } });
    const notice = (await limited).diagnostics;
    assert.equal(notice.length, 1);
    assert.equal(notice[0].range.start.line, 0);
    assert.match(notice[0].message, /nomadExec\.maxFileSize/);
    assert.equal(await client.request('textDocument/hover', hoverAt(uri, 5, 1)), null, 'no hover on a file not analysed');
    const back = client.nextPublication(uri, (p) => !p.diagnostics.some((d) => d.code === 'analysis-limit'));
    client.changeConfiguration({ nomadExec: {} });
    assert.deepEqual((await back).diagnostics, full.diagnostics);
    assert.notEqual(await client.request('textDocument/hover', hoverAt(uri, 5, 1)), null);
    client.close(uri);
  });

  await t.test('huge and odd inputs: a notice or diagnostics, positions inside the text, and no crash', async () => {
    const inputs: [string, string][] = [
      ['huge-string', hugeString(5 * 1024 * 1024)],
      ['nul', 'job "a\u0000b" {\n  \u0000\u0000 = 1\n}\n'],
      ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
      ['invalid-utf8', Buffer.from([0x6a, 0x6f, 0x62, 0x20, 0xff, 0xfe, 0x20, 0x7b, 0x0a, 0x7d, 0x0a]).toString('utf8')],
      ['crlf', SMALL.replace(/\n/g, '\r\n').replace('driver = "exec"', 'driver = "exec" x')],
      // Lone `\r` line ends, and a U+FFFD (an invalid UTF-8 byte, as the client sends it).
      ['lone-cr', SMALL.replace(/\n/g, '\r').replace('/bin/echo', '/bin/echo\ufffd')],
    ];
    const published: Record<string, PublishedDiagnostics> = {};
    for (const [name, text] of inputs) {
      const uri = testUri(`odd-${name}.nomad.hcl`);
      client.open(uri, text);
      published[name] = await client.diagnostics(uri, 1);
      const lines = text.split(/\r\n|\r|\n/);
      for (const d of published[name].diagnostics) {
        assert.ok(d.range.end.line < lines.length, `${name}: ${JSON.stringify(d.range)} within ${lines.length} lines`);
        assert.ok(d.range.start.character <= lines[d.range.start.line].length, `${name}: column inside its line`);
      }
      if (name !== 'huge-string') await featuresInside(client, uri, name, lines);
      client.close(uri);
    }
    assert.match(published['huge-string'].diagnostics[0].message, /nomadExec\.maxFileSize/);
    // Binary data gets one notice instead of a parse (which took seconds and hundreds of MB for 1 MB of
    // it); a job file with stray control characters or bytes that are not UTF-8 is still analysed.
    assert.deepEqual(published.binary.diagnostics.map((d) => d.code), ['analysis-limit']);
    assert.match(published.binary.diagnostics[0].message, /binary data/);
    for (const name of ['nul', 'invalid-utf8']) {
      const codes = published[name].diagnostics.map((d) => d.code);
      assert.ok(codes.includes('syntax-error') && !codes.includes('analysis-limit'), `${name}: ${codes.join(', ')}`);
    }
    const crlf = published.crlf.diagnostics.filter((d) => d.code === 'syntax-error');
    assert.ok(crlf.length > 0 && crlf.every((d) => d.range.start.line === 3), JSON.stringify(crlf));
    assert.ok(client.alive);
    assert.notEqual(await client.request('textDocument/hover', hoverAt(small, 0, 1)), null, 'still answering');
  });
});
