// `nomad-exec check --format sarif|github` and the `$nomad-exec` problem matcher, on real `check` output.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { CORPUS_DIR as CORPUS } from './helpers/corpus';
import { REPO_ROOT } from './helpers/lspClient';

function check(args: string[], cwd = REPO_ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'nomad-exec'), 'check', ...args], { encoding: 'utf8', cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HELLO = path.join(REPO_ROOT, 'examples', 'hello.nomad.hcl');
/** A syntax error, an unknown attribute and a message with characters the GitHub format must escape. */
const BROKEN = 'job "x" {\n  type = "batch"\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config { command = "/bin/true" }\n      colour = "red,green: 100%"\n    }\n  }\n';

function scratch(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-ci-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function sarifValidator(): (data: unknown) => boolean {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's language-tag pattern is not valid with the u flag;
  const validate = ajv.compile(schema);
  return (data) => {
    const ok = validate(data) as boolean;
    if (!ok) assert.fail(`SARIF schema violations: ${ajv.errorsText(validate.errors)}`);
    return ok;
  };
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string }[] } };
    results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[];
  }[];
}

test('sarif: a valid SARIF 2.1.0 log (schema-checked), same exit status as text, positions 1-based', () => {
  const dir = scratch({ 'broken job.nomad.hcl': BROKEN });
  try {
    const text = check(['broken job.nomad.hcl'], dir);
    const sarif = check(['--format', 'sarif', 'broken job.nomad.hcl'], dir);
    assert.equal(sarif.status, 1, sarif.stderr);
    assert.equal(sarif.status, text.status);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    sarifValidator()(log);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'nomad-exec');
    assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
    // Every text line has a SARIF result at the same place with the same rule.
    const textLines = text.stdout.trim().split('\n');
    assert.ok(textLines.length >= 1);
    assert.equal(run.results.length, textLines.length);
    for (const [i, line] of textLines.entries()) {
      const m = /^(.+?):(\d+):(\d+): (\w+): (.*) \[(.*)\]$/.exec(line);
      assert.ok(m, line);
      const r = run.results[i];
      assert.equal(r.locations[0].physicalLocation.region.startLine, Number(m[2]));
      assert.equal(r.locations[0].physicalLocation.region.startColumn, Number(m[3]));
      assert.equal(r.ruleId, m[6]);
      assert.equal(r.message.text, m[5]);
      assert.equal(r.level, m[4] === 'info' || m[4] === 'hint' ? 'note' : m[4]);
      // Relative to the working directory, percent-encoded.
      assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'broken%20job.nomad.hcl');
      assert.ok(run.tool.driver.rules.some((rule) => rule.id === r.ruleId));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sarif: a file without errors gives a valid log, exit 0; files outside the cwd get file: URIs', () => {
  // A fresh empty folder as the working directory: the checkout itself may sit under the temp folder.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-sarif-cwd-'));
  const clean = check(['--format', 'sarif', HELLO], cwd);
  fs.rmSync(cwd, { recursive: true, force: true });
  assert.equal(clean.status, 0, clean.stderr);
  const log = JSON.parse(clean.stdout) as SarifLog;
  sarifValidator()(log);
  assert.ok(log.runs[0].results.every((r) => r.level !== 'error'));
  for (const r of log.runs[0].results) assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, `file://${HELLO}`);
});

test('sarif: every invalid corpus file yields a schema-valid log', { skip: !fs.existsSync(path.join(CORPUS, 'invalid')) && 'no corpus' }, () => {
  const r = check(['--format', 'sarif', path.join(CORPUS, 'invalid')]);
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  sarifValidator()(log);
  assert.ok(log.runs[0].results.length > 10);
  for (const result of log.runs[0].results) assert.match(result.locations[0].physicalLocation.artifactLocation.uri, /^file:\/\//);
});

test('github: one workflow command per diagnostic, properties and data escaped, exit status unchanged', () => {
  const dir = scratch({ 'a,b:c.nomad.hcl': 'job "x" {\n  type = "batch"\n  meta { a = 1 }\n  bogus_attr = "50%"\n}\n' });
  try {
    const text = check(['a,b:c.nomad.hcl'], dir);
    const gh = check(['--format', 'github', 'a,b:c.nomad.hcl'], dir);
    assert.equal(gh.status, text.status);
    const lines = gh.stdout.trimEnd().split('\n');
    assert.equal(lines.length, text.stdout.trimEnd().split('\n').length);
    for (const line of lines) {
      const m = /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(line);
      assert.ok(m, `a workflow command: ${line}`);
      const props = Object.fromEntries(m[2].split(',').map((p) => p.split('=') as [string, string]));
      assert.equal(props.file, 'a%2Cb%3Ac.nomad.hcl');
      assert.match(props.line, /^\d+$/);
      assert.match(props.col, /^\d+$/);
      assert.doesNotMatch(m[3], /[\r\n]/);
    }
    assert.ok(lines.some((l) => l.startsWith('::error ')), gh.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('github: a message with %, CR and LF is escaped so the runner decodes it back', async () => {
  const { escapeGithubData, escapeGithubProperty } = await import('../cli/reportFormats');
  assert.equal(escapeGithubData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.equal(escapeGithubProperty('a:b,c%'), 'a%3Ab%2Cc%25');
});

test('unknown --format is a usage error (exit 2) naming the formats', () => {
  const r = check(['--format', 'xml', HELLO]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /text, json, sarif, github/);
});

interface ProblemMatcher {
  name: string;
  owner: string;
  fileLocation: unknown;
  pattern: { regexp: string; file: number; line: number; column: number; severity: number; message: number; code: number };
}

test('the $nomad-exec problem matcher parses every line of real text output', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { problemMatchers: ProblemMatcher[] } };
  const matcher = manifest.contributes.problemMatchers.find((m) => m.name === 'nomad-exec');
  assert.ok(matcher, 'a problem matcher named nomad-exec');
  const regexp = new RegExp(matcher.pattern.regexp);
  const dir = scratch({ 'x.nomad.hcl': BROKEN });
  try {
    const r = check(['x.nomad.hcl', path.join(CORPUS, 'invalid')], dir);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length > 10);
    for (const line of lines) {
      const m = regexp.exec(line);
      assert.ok(m, `matched: ${line}`);
      const exact = /^(.+?):(\d+):(\d+): (\w+): (.*) \[(.*)\]$/.exec(line)!;
      assert.equal(m[matcher.pattern.file], exact[1]);
      assert.equal(m[matcher.pattern.line], exact[2]);
      assert.equal(m[matcher.pattern.column], exact[3]);
      assert.match(m[matcher.pattern.severity], /^(error|warning|info|hint)$/);
      assert.equal(m[matcher.pattern.message], exact[5]);
      assert.equal(m[matcher.pattern.code], exact[6]);
    }
    // Lines that are not diagnostics (stderr notes, a summary) are not taken for problems.
    assert.equal(regexp.exec('nomad-exec check: x.hcl: not valid UTF-8; invalid bytes were read as U+FFFD'), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
