// Quick fixes through `nomad-exec lsp --stdio`: each diagnostic's fix is applied, and the fixed document
// no longer has that diagnostic.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import type { LspClient } from './helpers/lspClient';
import { applyEdits, openDoc } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

const job = (config: string, task = '', group = '') => `variable "image" {
  default = "x"
}
job "web" {
  group "app" {
    network {
      port "http" {}
    }
${group}    task "server" {
      driver = "exec"
${task}      config {
${config}      }
    }
  }
}
`;

interface Fixed {
  actions: CodeAction[];
  diagnostic: Diagnostic;
  apply(title: RegExp): string;
}

async function fixes(text: string, code: string, match?: RegExp): Promise<Fixed> {
  const { uri, diagnostics } = await openDoc(client, text, 'actions');
  const diagnostic = diagnostics.find((d) => d.code === code && (!match || match.test(d.message)));
  assert.ok(diagnostic, `a ${code} diagnostic (got ${diagnostics.map((d) => d.code).join(', ')})`);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ['quickfix'] },
  });
  client.close(uri);
  return {
    actions,
    diagnostic,
    apply(title) {
      const action = actions.find((a) => title.test(a.title));
      assert.ok(action, `an action titled ${title} (got ${actions.map((a) => a.title).join(' | ')})`);
      assert.equal(action.kind, 'quickfix');
      return applyEdits(text, action.edit!.changes![uri]);
    },
  };
}

async function codesOf(text: string): Promise<string[]> {
  const { uri, diagnostics } = await openDoc(client, text, 'actions-after');
  client.close(uri);
  return diagnostics.map((d) => String(d.code));
}

test('a misspelled attribute becomes the nearest valid name', async () => {
  const text = job('        command = "/bin/sh"\n        wrok_dir = "/local"\n');
  const fixed = (await fixes(text, 'unknown-attribute')).apply(/work_dir/);
  assert.match(fixed, /\n        work_dir = "\/local"\n/);
  assert.ok(!(await codesOf(fixed)).includes('unknown-attribute'));
});

test('a misspelled block becomes the nearest valid name', async () => {
  const text = job('        command = "/bin/sh"\n', '      resorces {\n        cpu = 100\n      }\n');
  const fixed = (await fixes(text, 'unknown-block')).apply(/resources/);
  assert.match(fixed, /\n      resources \{\n/);
  assert.ok(!(await codesOf(fixed)).includes('unknown-block'));
});

test('a misspelled capability becomes the nearest capability name', async () => {
  const text = job('        command = "/bin/sh"\n        cap_add = ["net_bind_servce"]\n');
  const fixed = (await fixes(text, 'unknown-capability')).apply(/net_bind_service/);
  assert.match(fixed, /cap_add = \["net_bind_service"\]/);
  assert.ok(!(await codesOf(fixed)).includes('unknown-capability'));
});

test('a missing command is inserted into config', async () => {
  const text = job('        args = ["-c", "true"]\n');
  const fixed = (await fixes(text, 'missing-required', /command/)).apply(/Add command/);
  assert.match(fixed, /      config \{\n        command = ""\n        args = \["-c", "true"\]\n/);
  assert.ok(!(await codesOf(fixed)).includes('missing-required'));
});

test('a missing command in an empty one-line config opens it up', async () => {
  const text = job('').replace('      config {\n      }', '      config {}');
  const fixed = (await fixes(text, 'missing-required', /command/)).apply(/Add command/);
  assert.match(fixed, /      config \{\n        command = ""\n      \}\n/);
});

test('an exec task without config gets a config block with command', async () => {
  const text = job('').replace('      config {\n      }\n', '');
  const fixed = (await fixes(text, 'missing-required', /config/)).apply(/config block/);
  assert.match(fixed, /      driver = "exec"\n\n      config \{\n        command = ""\n      \}\n    \}/);
});

test('a task without driver gets driver = "exec"', async () => {
  const text = job('        command = "/bin/sh"\n').replace('      driver = "exec"\n', '');
  const fixed = (await fixes(text, 'missing-required', /driver/)).apply(/Add driver/);
  assert.match(fixed, /    task "server" \{\n      driver = "exec"\n      config \{/);
});

test('capability-not-allowed: remove the entry, or leave a note about allow_caps', async () => {
  const text = job('        command = "/bin/sh"\n        cap_add = ["chown", "net_raw", "kill"]\n');
  const found = await fixes(text, 'capability-not-allowed');
  const removed = found.apply(/Remove "net_raw"/);
  assert.match(removed, /cap_add = \["chown", "kill"\]/);
  assert.ok(!(await codesOf(removed)).includes('capability-not-allowed'));
  const noted = found.apply(/allow_caps must include "net_raw"/);
  assert.match(noted, /\n        # "net_raw" needs the client agent to allow it: plugin "exec" \{ config \{ allow_caps = \[\.\.\., "net_raw"\] \} \}\n        cap_add = /);

  const last = job('        command = "/bin/sh"\n        cap_add = ["chown", "net_raw"]\n');
  assert.match((await fixes(last, 'capability-not-allowed')).apply(/Remove/), /cap_add = \["chown"\]/);
  const only = job('        command = "/bin/sh"\n        cap_add = ["net_raw"]\n');
  assert.match((await fixes(only, 'capability-not-allowed')).apply(/Remove/), /cap_add = \[\]/);
});

test('host-namespace switches to private', async () => {
  const text = job('        command = "/bin/sh"\n        ipc_mode = "host"\n');
  const fixed = (await fixes(text, 'host-namespace')).apply(/private/);
  assert.match(fixed, /ipc_mode = "private"/);
  assert.ok(!(await codesOf(fixed)).includes('host-namespace'));
});

test('a relative work_dir is made absolute, under /local or at the root', async () => {
  const text = job('        command = "/bin/sh"\n        work_dir = "data"\n');
  const found = await fixes(text, 'relative-work-dir');
  assert.match(found.apply(/under the task directory/), /work_dir = "\/local\/data"/);
  assert.match(found.apply(/Make absolute: "\/data"/), /work_dir = "\/data"/);
  const local = job('        command = "/bin/sh"\n        work_dir = "local/app"\n');
  const onlyRoot = await fixes(local, 'relative-work-dir');
  assert.equal(onlyRoot.actions.length, 1);
  assert.match(onlyRoot.apply(/Make absolute/), /work_dir = "\/local\/app"/);
});

test('unknown-variable: the nearest port label and the nearest declared variable', async () => {
  const port = job('        command = "/bin/sh"\n        args = ["${NOMAD_PORT_htp}"]\n');
  const fixedPort = (await fixes(port, 'unknown-variable')).apply(/NOMAD_PORT_http/);
  assert.match(fixedPort, /args = \["\$\{NOMAD_PORT_http\}"\]/);
  assert.ok(!(await codesOf(fixedPort)).includes('unknown-variable'));

  const variable = job('        command = "/bin/sh"\n        args = [var.imag]\n');
  const fixedVar = (await fixes(variable, 'unknown-variable')).apply(/var\.image/);
  assert.match(fixedVar, /args = \[var\.image\]/);
});

test('no fixes for diagnostics from elsewhere or without a known fix', async () => {
  const text = job('        command = "/bin/sh"\n');
  const { uri } = await openDoc(client, text, 'actions-foreign');
  const foreign: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, message: 'x', source: 'other', code: 'unknown-attribute', data: { replacement: 'y' } };
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: foreign.range, context: { diagnostics: [foreign] } });
  assert.deepEqual(actions, []);
});

test('an unknown attribute with no near name can be removed', async () => {
  const text = job('        command = "/bin/sh"\n        image = "redis:7"\n');
  const found = await fixes(text, 'unknown-attribute');
  const fixed = found.apply(/Remove image/);
  assert.equal(fixed, job('        command = "/bin/sh"\n'));
});

test('an unknown block is removed with its lines; not once its `}` is gone or it holds a syntax error, when it may run on over what follows', async () => {
  // The editor asks for fixes with the diagnostics it shows, which may be those of a moment before. The
  // twin: the closed block goes, and only its lines.
  const closed = job('        command = "/bin/sh"\n', '', '    widget {\n      min = 1\n    }\n');
  const found = await fixes(closed, 'unknown-block');
  assert.equal(found.apply(/Remove widget/), job('        command = "/bin/sh"\n'));
  for (const [what, text] of [
    // Its `}` deleted: the block runs on to the end of the text, over the task.
    ['no closing brace', closed.replace('      min = 1\n    }\n', '      min = 1\n')],
    // A string left open inside it: the parser's recovery decides where it ends.
    ['a syntax error inside', closed.replace('min = 1', 'min = "1')],
  ] as const) {
    const { uri } = await openDoc(client, text, 'actions-stale');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: found.diagnostic.range, context: { diagnostics: [found.diagnostic], only: ['quickfix'] } });
    client.close(uri);
    assert.deepEqual(actions, [], what);
  }
});
