// The editor is sent at most 5,000 diagnostics per document (server/src/diagnosticLimit.ts), over stdio as
// any client gets them. The attack on responsiveness: a generated file with twelve thousand findings, whose
// publication held the server's one thread and then the editor's. The harmless twin: a file with a few
// hundred findings is sent every one. `nomad-exec check` still lists them all.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, REPO_ROOT, testUri } from './helpers/lspClient';
import { manyLocals } from '../bench/pathological';

interface Shown {
  code?: string | number;
  severity?: number;
  message: string;
  range: { start: { line: number; character: number } };
}

/** `nomad-exec check --format json` on `text`: every finding (the CLI is not limited). */
function checked(text: string): Shown[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-limit-'));
  try {
    const file = path.join(dir, 'many.nomad.hcl');
    fs.writeFileSync(file, text);
    let out: string;
    try {
      out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'nomad-exec'), 'check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      // Errors found: exit status 1, the report on stdout all the same.
      out = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(out) as { file: string; diagnostics: Shown[] }[];
    return report[0].diagnostics;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('at most 5,000 diagnostics are sent for a document, the most severe first, with a notice', async (t) => {
  const pushing = await LspClient.start();
  t.after(() => pushing.stop());
  const pulling = await LspClient.start({
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: { publishDiagnostics: { versionSupport: true }, diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
    },
  });
  t.after(() => pulling.stop());
  /** What the pushing client is sent for `text`, opened as `name`. */
  const pushed = async (name: string, text: string): Promise<Shown[]> => {
    const uri = testUri(name);
    pushing.open(uri, text);
    return (await pushing.diagnostics(uri, 1)).diagnostics as Shown[];
  };

  await t.test('6,000 locals reading an undeclared variable: 6,000 errors and 6,000 hints, the errors are sent', async () => {
    const text = manyLocals(6000);
    const all = checked(text);
    const errors = all.filter((d) => d.severity === 1);
    assert.ok(errors.length >= 6000 && all.length >= 12_000, `the CLI lists ${all.length} (${errors.length} errors)`);

    const shown = await pushed('limit-many.nomad.hcl', text);
    assert.equal(shown.length, 5001, 'the 5,000 and the notice');
    const [notice, ...rest] = shown;
    assert.equal(notice.code, 'analysis-limit');
    assert.deepEqual(notice.range.start, { line: 0, character: 0 });
    assert.match(notice.message, new RegExp(`This file has ${all.length.toLocaleString('en-US')} problems; the editor is shown 5,000 of them, the most severe first`));
    // Every error, then the first warnings and hints in source order: here the first errors fill all 5,000.
    assert.ok(rest.every((d) => d.severity === 1), 'only errors fit');
    const key = (d: Shown) => `${d.range.start.line}:${d.range.start.character}:${d.code}:${d.message}`;
    assert.deepEqual(rest.map(key), errors.slice(0, 5000).map(key), 'the first 5,000 errors, in source order');

    const pullUri = testUri('limit-pulled.nomad.hcl');
    pulling.open(pullUri, text);
    const report = await pulling.request<{ kind: string; items: Shown[] }>('textDocument/diagnostic', { textDocument: { uri: pullUri } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(report.items.map(key), shown.map(key), 'a pull gets the same');
  });

  await t.test('3,000 errors and 3,000 hints: every error, then the hints from the top up to 5,000', async () => {
    // 3,000 locals give 3,000 errors and 3,000 hints: the errors (and any warning) all fit, and the hints
    // fill the rest from the top of the file.
    const text = manyLocals(3000);
    const all = checked(text);
    const shown = await pushed('limit-mixed.nomad.hcl', text);
    assert.equal(shown.length, 5001);
    const bySeverity = (list: Shown[], severity: number) => list.filter((d) => d.severity === severity).length;
    assert.equal(bySeverity(shown, 1), bySeverity(all, 1), 'every error');
    assert.equal(bySeverity(shown, 2), bySeverity(all, 2), 'every warning');
    const hints = all.filter((d) => d.severity === 4);
    const shownHints = shown.filter((d) => d.severity === 4);
    assert.ok(shownHints.length > 0 && shownHints.length < hints.length);
    assert.deepEqual(
      shownHints.map((d) => d.message),
      hints.slice(0, shownHints.length).map((d) => d.message),
      'the first hints from the top',
    );
  });

  await t.test('the twin: 200 locals, every finding is sent and no notice', async () => {
    const text = manyLocals(200);
    const all = checked(text);
    const shown = await pushed('limit-few.nomad.hcl', text);
    assert.equal(shown.length, all.length);
    assert.ok(shown.length >= 400);
    assert.ok(!shown.some((d) => d.code === 'analysis-limit'));
  });
});
