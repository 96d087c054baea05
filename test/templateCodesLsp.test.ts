// Every template diagnostic code over the real stdio server: a broken template in a heredoc and in a quoted
// string, each reported at the exact range, and a clean twin with nothing of that code. Part 5 of issue 13
// (change_signal, perms, wait, the env-file syntax of `env = true`) too.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Range } from 'vscode-languageserver-types';
import { LspClient, testUri } from './helpers/lspClient';
import { execJob } from './helpers/diagnose';

/** A job with one template: `data` as a heredoc of these lines, or as a quoted string (escaped for HCL). */
function heredocJob(lines: string[], extra = ''): string {
  return execJob({ task: `      template {\n        destination = "local/out.conf"\n${extra}        data        = <<-EOT\n${lines.map((l) => `          ${l}`).join('\n')}\n        EOT\n      }` });
}

function quotedJob(lines: string[], extra = ''): string {
  const quoted = JSON.stringify(lines.join('\n')).replace(/\$\{/g, '$${');
  return execJob({ task: `      template {\n        destination = "local/out.conf"\n${extra}        data        = ${quoted}\n      }` });
}

/** The range of the nth occurrence of `needle` (on one line). */
function rangeOf(text: string, needle: string, nth = 0): Range {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in the text`);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = at - (before.lastIndexOf('\n') + 1);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

interface Case {
  code: string;
  lines: string[];
  /** The text the finding covers, as written in the heredoc; in the quoted string its escaped form. */
  needle: string;
  quotedNeedle?: string;
  twin: string[];
  extra?: string;
  /** Which occurrence of the needle (`data` also starts `datacenters`). */
  nth?: number;
}

const CASES: Case[] = [
  { code: 'template-syntax', lines: ['a = 1', 'b = {{ if .x }}yes'], needle: 'if', twin: ['a = 1', 'b = {{ if .x }}yes{{ end }}'] },
  { code: 'unknown-template-function', lines: ['home = {{ evn "HOME" }}'], needle: 'evn', twin: ['home = {{ env "HOME" }}'] },
  { code: 'template-argument-count', lines: ['x = {{ replaceAll "-" "_" }}'], needle: 'replaceAll', twin: ['x = {{ "a-b" | replaceAll "-" "_" }}'] },
  { code: 'template-env-unknown', lines: ['dir = {{ env "NOMAD_TASK_DIRR" }}'], needle: '"NOMAD_TASK_DIRR"', quotedNeedle: '\\"NOMAD_TASK_DIRR\\"', twin: ['dir = {{ env "NOMAD_TASK_DIR" }}'] },
  {
    code: 'template-env-file',
    extra: '        env         = true\n',
    lines: ['APP_MODE=prod', 'log level = debug', '{{ env "NOMAD_TASK_NAME" }}_ID=1'],
    needle: 'log level = debug',
    twin: ['APP_MODE=prod', 'export LOG_LEVEL = "debug" # comment', '', '# a comment line', '{{ env "NOMAD_TASK_NAME" }}_ID=1', "QUOTED='a b'"],
  },
  {
    // A line an action makes: the rendered text is not written anywhere, so the finding is on `data`.
    code: 'template-env-file',
    extra: '        env         = true\n',
    lines: ['APP_MODE=prod', '{{ env "NOMAD_TASK_NAME" }} {{ "value" }}'],
    needle: 'data',
    nth: 1,
    twin: ['APP_MODE=prod', '{{ env "NOMAD_TASK_NAME" }}={{ "value" }}'],
  },
];

test('each template diagnostic code over stdio: heredoc and quoted string at the exact range, and a clean twin', async () => {
  const client = await LspClient.start();
  try {
    for (const [i, c] of CASES.entries()) {
      const docs = [
        { name: 'heredoc', text: heredocJob(c.lines, c.extra), needle: c.needle, broken: true },
        { name: 'quoted', text: quotedJob(c.lines, c.extra), needle: c.quotedNeedle ?? c.needle, broken: true },
        { name: 'heredoc twin', text: heredocJob(c.twin, c.extra), needle: '', broken: false },
        { name: 'quoted twin', text: quotedJob(c.twin, c.extra), needle: '', broken: false },
      ];
      for (const doc of docs) {
        const uri = testUri(`codes-${i}-${doc.name.replace(' ', '-')}.nomad.hcl`);
        client.open(uri, doc.text);
        const published = await client.diagnostics(uri, 1);
        const found = published.diagnostics.filter((d) => d.code === c.code);
        const where = `${c.code}, ${doc.name}:\n${doc.text}\n${JSON.stringify(published.diagnostics)}`;
        if (doc.broken) assert.deepEqual(found.map((d) => d.range), [rangeOf(doc.text, doc.needle, c.nth)], where);
        else assert.deepEqual(found, [], where);
        // Nothing else is wrong with these jobs: no error of another code.
        assert.deepEqual(published.diagnostics.filter((d) => d.severity === 1 && d.code !== c.code), [], where);
        client.close(uri);
      }
    }
  } finally {
    await client.stop();
  }
});

test('template fields over stdio: change_signal, perms and wait read as Nomad reads them, with clean twins', async () => {
  const client = await LspClient.start();
  try {
    const check = async (name: string, extra: string, code: string | undefined, needle?: string): Promise<void> => {
      const text = heredocJob(['x = 1'], extra);
      const uri = testUri(`fields-${name}.nomad.hcl`);
      client.open(uri, text);
      const published = await client.diagnostics(uri, 1);
      const problems = published.diagnostics.filter((d) => d.severity !== undefined && d.severity <= 2);
      if (!code) assert.deepEqual(problems, [], name);
      else assert.deepEqual(problems.map((d) => [d.code, d.range]), [[code, rangeOf(text, needle!)]], name);
      client.close(uri);
    };
    await check('signal-unknown', '        change_mode   = "signal"\n        change_signal = "SIGHUPP"\n', 'invalid-value', '"SIGHUPP"');
    await check('signal-lower-case', '        change_mode   = "signal"\n        change_signal = "sigusr1"\n', undefined);
    await check('signal-default', '        change_mode = "signal"\n', undefined);
    await check('signal-ignored', '        change_mode   = "noop"\n        change_signal = "SIGHUP"\n', 'invalid-value', 'change_signal');
    await check('perms-not-octal', '        perms = "0899"\n', 'invalid-value', '"0899"');
    await check('perms-too-wide', '        perms = "17777"\n', 'invalid-value', '"17777"');
    await check('perms-leading-zeros', '        perms = "000755"\n', undefined);
    await check('wait-inverted', '        wait {\n          min = "10s"\n          max = "2s"\n        }\n', 'out-of-range', '"2s"');
    await check('wait-ordered', '        wait {\n          min = "2s"\n          max = "10s"\n        }\n', undefined);
    await check('splay-negative', '        splay = "-5s"\n', 'out-of-range', '"-5s"');
    await check('uid-agent', '        uid = -1\n        gid = -1\n', undefined);
    await check('script-missing', '        change_mode = "script"\n', 'missing-required', '"script"');
    await check('script-given', '        change_mode = "script"\n        change_script {\n          command = "/local/reload.sh"\n        }\n', undefined);
    await check('bad-mode', '        change_mode = "reload"\n', 'invalid-value', '"reload"');
  } finally {
    await client.stop();
  }
});

test('a template is parsed again when what its ${...} reads changes, though its block did not', async () => {
  const job = execJob({
    top: 'variable "open" {\n  default = "{{ if .x }}"\n}',
    task: '      template {\n        destination = "local/out.conf"\n        data        = "${var.open}yes{{ end }}"\n      }',
  });
  const client = await LspClient.start();
  try {
    const uri = testUri('template-var-memo.nomad.hcl');
    client.open(uri, job);
    const syntax = (p: { diagnostics: { code?: unknown }[] }): number => p.diagnostics.filter((d) => d.code === 'template-syntax').length;
    assert.equal(syntax(await client.diagnostics(uri, 1)), 0);
    const at = rangeOf(job, '{{ if .x }}');
    const version = client.change(uri, [{ range: at, text: '{{ .x }}' }]);
    assert.equal(syntax(await client.diagnostics(uri, version)), 1, 'the {{ end }} has nothing to close now');
  } finally {
    await client.stop();
  }
});
