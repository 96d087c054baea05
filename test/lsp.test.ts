// The language server over real JSON-RPC (stdio): initialize, didOpen, incremental didChange,
// didChangeConfiguration and publishDiagnostics.
import test from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, testUri } from './helpers/lspClient';
import { openDoc } from './helpers/featureClient';
import { within } from './helpers/within';

const JOB = `job "web" {
  group "g" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/echo"
        args    = ["héllo 😀", "x"]
      }
    }
  }
}
`;

function codes(diagnostics: { code?: string | number }[]): (string | number | undefined)[] {
  return diagnostics.map((d) => d.code);
}

test('language server over stdio', async (t) => {
  const client = await LspClient.start();
  t.after(() => client.stop());

  await t.test('initialize announced incremental sync', async () => {
    // A second initialize is not allowed; the first one succeeded if documents work below.
    assert.ok(client.alive);
  });

  await t.test('didOpen publishes diagnostics with the version', async () => {
    const uri = testUri('open.nomad.hcl');
    client.open(uri, JOB, 7);
    const published = await client.diagnostics(uri, 7);
    assert.equal(published.version, 7);
    assert.deepEqual(published.diagnostics.filter((d) => d.severity === 1), []);
    for (const d of published.diagnostics) {
      assert.equal(d.source, 'nomad-exec');
      assert.ok(d.code, 'every diagnostic has a code');
    }
  });

  await t.test('incremental didChange: breaking and repairing a brace', async () => {
    const uri = testUri('change.nomad.hcl');
    client.open(uri, JOB);
    await client.diagnostics(uri, 1);
    // Delete the `}` closing the task (line 8, column 4).
    const v2 = client.change(uri, [{ range: { start: { line: 8, character: 4 }, end: { line: 8, character: 5 } }, text: '' }]);
    const broken = await client.diagnostics(uri, v2);
    assert.equal(broken.version, v2);
    const syntax = broken.diagnostics.filter((d) => d.code === 'syntax-error');
    assert.equal(syntax.length, 1, JSON.stringify(broken.diagnostics));
    assert.match(syntax[0].message, /Missing `}`.*task "t".*line 3/);
    const v3 = client.change(uri, [{ range: { start: { line: 8, character: 4 }, end: { line: 8, character: 4 } }, text: '}' }]);
    const repaired = await client.diagnostics(uri, v3);
    assert.deepEqual(codes(repaired.diagnostics).filter((c) => c === 'syntax-error'), []);
  });

  await t.test('edits after non-ASCII text land where LSP (UTF-16) says', async () => {
    const uri = testUri('utf16.nomad.hcl');
    client.open(uri, JOB);
    await client.diagnostics(uri, 1);
    // Line 6 is `        args    = ["héllo 😀", "x"]`; replace the `x` after the emoji (UTF-16 column 31).
    const line = JOB.split('\n')[6];
    const col = line.indexOf('"x"') + 1;
    const v = client.change(uri, [{ range: { start: { line: 6, character: col }, end: { line: 6, character: col + 1 } }, text: '${' }]);
    const published = await client.diagnostics(uri, v);
    const syntax = published.diagnostics.filter((d) => d.code === 'syntax-error');
    assert.equal(syntax.length, 1, 'an unterminated interpolation is one syntax error');
    assert.equal(syntax[0].range.start.line, 6);
    assert.equal(syntax[0].range.start.character, col);
    assert.match(syntax[0].message, /Unclosed `\$\{` in the value of `args`/);
    // Open the same final text fresh: same diagnostics as the incremental path.
    const finalText = JOB.split('\n').map((l, i) => (i === 6 ? l.slice(0, col) + '${' + l.slice(col + 1) : l)).join('\n');
    const full = await openDoc(client, finalText, 'utf16-fresh');
    assert.deepEqual(published.diagnostics, full.diagnostics);
  });

  await t.test('many small edits give the same diagnostics as a fresh open', async () => {
    const uri = testUri('typing.nomad.hcl');
    client.open(uri, '');
    await client.diagnostics(uri, 1);
    let line = 0;
    let character = 0;
    let version = 1;
    for (const ch of JOB) {
      version = client.insert(uri, { line, character }, ch);
      if (ch === '\n') {
        line++;
        character = 0;
      } else character += ch.length;
    }
    const typed = await client.diagnostics(uri, version);
    const full = await openDoc(client, JOB, 'typing-fresh');
    assert.deepEqual(typed.diagnostics, full.diagnostics);
  });

  await t.test('didChangeConfiguration re-checks open documents', async () => {
    const uri = testUri('caps.nomad.hcl');
    const text = JOB.replace('args    = ["héllo 😀", "x"]', 'cap_add = ["net_raw"]');
    client.open(uri, text);
    const before = await client.diagnostics(uri, 1);
    assert.ok(codes(before.diagnostics).includes('capability-not-allowed'), JSON.stringify(before.diagnostics));
    const next = client.nextPublication(uri);
    client.changeConfiguration({ nomadExec: { allowCaps: ['net_raw', 'chown'] } });
    const after = await next;
    assert.ok(!codes(after.diagnostics).includes('capability-not-allowed'), JSON.stringify(after.diagnostics));
    const restored = client.nextPublication(uri);
    client.changeConfiguration({ nomadExec: {} });
    assert.ok(codes((await restored).diagnostics).includes('capability-not-allowed'));
  });

  await t.test('didClose clears diagnostics', async () => {
    const uri = testUri('close.nomad.hcl');
    client.open(uri, 'job "x" {\n');
    const opened = await client.diagnostics(uri, 1);
    assert.ok(opened.diagnostics.length > 0);
    const cleared = client.nextPublication(uri, (p) => p.version === undefined);
    client.close(uri);
    assert.deepEqual((await cleared).diagnostics, []);
  });

  await t.test('unknown requests are answered with an error, and the server stays up', async () => {
    await assert.rejects(client.request('nomadExec/doesNotExist', {}));
    assert.ok(client.alive);
  });
});

/** A server whose first settings pull is answered only when `answer()` is called. */
async function startAnsweringLater(configuration: Record<string, unknown>, capabilities?: Record<string, unknown>): Promise<{ client: LspClient; answer: () => void }> {
  let answer: () => void = () => undefined;
  const client = await LspClient.start({ configuration, configurationAnswer: new Promise<void>((resolve) => (answer = resolve)), ...(capabilities ? { capabilities } : {}) });
  return { client, answer: () => answer() };
}

test('a document analysed while the client answers the settings pull is first published (or pulled) under those settings; a client that never answers holds nothing for long', async () => {
  // The user's settings allow net_raw; Nomad's defaults do not. Published before the answer came, the
  // document showed the defaults' error, then took it back.
  const text = 'job "j" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/ping"\n        cap_add = ["net_raw"]\n      }\n    }\n  }\n}\n';
  const uri = testUri('pull-held.nomad.hcl');
  const configuration = { nomadExec: { allowCaps: ['net_raw'] } };
  const allowed = (diagnostics: { code?: string | number }[]): boolean => !codes(diagnostics).includes('capability-not-allowed');
  // Answered once the document's analysis is done: a request waits for its own document's.
  const analysed = (client: LspClient) => client.request('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 10 } });

  const slow = await startAnsweringLater(configuration);
  try {
    slow.client.open(uri, text, 1);
    await analysed(slow.client);
    slow.answer();
    const first = await slow.client.diagnostics(uri, 1);
    assert.ok(allowed(first.diagnostics), `first published under the user's settings: ${JSON.stringify(first.diagnostics)}`);
  } finally {
    await slow.client.stop();
  }

  // A client that never answers: the document is published under the settings the server has (the
  // defaults), not held for good; an answer that comes later still applies.
  const silent = await startAnsweringLater(configuration);
  try {
    silent.client.open(uri, text, 1);
    const published = await within(silent.client.diagnostics(uri, 1), 10_000, 'no diagnostics while the settings pull is unanswered');
    assert.ok(!allowed(published.diagnostics), JSON.stringify(published.diagnostics));
    const next = silent.client.nextPublication(uri);
    silent.answer();
    assert.ok(allowed((await next).diagnostics));
  } finally {
    await silent.client.stop();
  }

  // A client that pulls diagnostics (VS Code) is answered under them too.
  const pulling = await startAnsweringLater(configuration, { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } });
  try {
    pulling.client.open(uri, text, 1);
    const report = pulling.client.request<{ items: { code?: string | number }[] }>('textDocument/diagnostic', { textDocument: { uri } });
    await analysed(pulling.client);
    pulling.answer();
    const { items } = await report;
    assert.ok(allowed(items), `pulled under the user's settings: ${JSON.stringify(items)}`);
  } finally {
    await pulling.client.stop();
  }
});

// Neovim, Helix and Zed answer `workspace/configuration` with null when the user configured nothing there;
// the settings an editor sent with `initialize` must then stay in force instead of being reset to defaults.
test('settings from initializationOptions survive a configuration pull answered with null', async () => {
  const client = await LspClient.start({ initializationOptions: { settings: { allowCaps: ['net_raw'] } } });
  try {
    let pulls = 0;
    let pulled: () => void = () => undefined;
    client.onRequest('workspace/configuration', (params) => {
      pulls++;
      pulled();
      return (params as { items: unknown[] }).items.map(() => null);
    });
    const uri = testUri('init-settings.nomad.hcl');
    const text = 'job "j" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/ping"\n        cap_add = ["net_raw"]\n      }\n    }\n  }\n}\n';
    client.open(uri, text, 1);
    await client.diagnostics(uri, 1);
    const answered = new Promise<void>((resolve) => (pulled = resolve));
    client.changeConfiguration();
    await answered;
    // The answer went out before this edit, so the server has applied it when it analyses version 2.
    const version = client.insert(uri, { line: 11, character: 0 }, '\n');
    const published = await client.diagnostics(uri, version);
    assert.ok(pulls >= 1);
    assert.deepEqual(codes(published.diagnostics).filter((c) => c === 'capability-not-allowed'), [], 'net_raw allowed by the initialize settings');
    // The twin: the same job without those settings is refused the capability.
    const plain = await LspClient.start();
    try {
      plain.open(uri, text, 1);
      assert.ok(codes((await plain.diagnostics(uri, 1)).diagnostics).includes('capability-not-allowed'));
    } finally {
      await plain.stop();
    }
  } finally {
    await client.stop();
  }
});
