// Completion through `nomad-exec lsp --stdio`, in whole and in half-typed documents: names valid at the
// cursor, snippets, values, capability names and runtime names after `${`.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-types';
import { CAPABILITIES, DEFAULT_ALLOW_CAPS, SIGNALS, lookupAttribute, lookupBody } from '../server/src/schema';
import { LspClient } from './helpers/lspClient';
import { applyEdits, cursor, openDoc } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

async function complete(marked: string, on = client): Promise<{ items: CompletionItem[]; labels: string[]; text: string }> {
  const { text, position } = cursor(marked);
  const { uri } = await openDoc(on, text, 'completion');
  const list = await on.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  on.close(uri);
  return { items: list.items, labels: list.items.map((i) => i.label), text };
}

function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `completion offers ${label}`);
  return found;
}

/** The document after accepting `label`. */
function accept(result: { items: CompletionItem[]; text: string }, label: string): string {
  return applyEdits(result.text, [item(result.items, label).textEdit as TextEdit]);
}

const task = (body: string) => `job "web" {
  group "app" {
    network {
      port "http" {}
    }
    task "server" {
      driver = "exec"
${body}
    }
  }
}
`;

test('exec config: the driver keys, without the ones already set', async () => {
  const { labels } = await complete(task('      config {\n        command = "/bin/sh"\n        |\n      }'));
  assert.deepEqual(labels.sort(), ['args', 'cap_add', 'cap_drop', 'ipc_mode', 'pid_mode', 'work_dir']);
});

test('a group: attributes and blocks, once-only blocks already present left out', async () => {
  const onceOnly = Object.entries(lookupBody(['job', 'group'])!.blocks).filter(([, b]) => b.maxItems === 1).map(([n]) => n);
  assert.ok(onceOnly.includes('network'));
  const { labels } = await complete('job "web" {\n  group "app" {\n    network {}\n    |\n  }\n}\n');
  assert.ok(labels.includes('task'));
  assert.ok(labels.includes('count'));
  assert.ok(labels.includes('restart'));
  assert.ok(!labels.includes('network'), 'network may appear once and is there');
  assert.ok(!labels.includes('driver'), 'task attributes are not offered in a group');
});

test('a task block snippet brings driver and config with command', async () => {
  const result = await complete('job "web" {\n  group "app" {\n    ta|\n  }\n}\n');
  const taskItem = item(result.items, 'task');
  assert.equal(taskItem.insertTextFormat, 2);
  const newText = (taskItem.textEdit as TextEdit).newText;
  assert.match(newText, /^task "\$\{1:name\}" \{/);
  assert.match(newText, /driver = "exec"/);
  assert.match(newText, /config \{\n\t\tcommand = "\$\d"\n\t\}/);
  assert.equal((taskItem.textEdit as TextEdit).range.start.character, 4, 'replaces the typed "ta"');
});

test('attribute snippets offer the allowed values', async () => {
  const result = await complete(task('      config {\n        command = "x"\n        pid|\n      }'));
  assert.equal((item(result.items, 'pid_mode').textEdit as TextEdit).newText, 'pid_mode = "${1|private,host|}"');
});

test('without snippet support the plain name is inserted', async () => {
  const plain = await LspClient.start();
  try {
    const result = await complete('job "web" {\n  group "app" {\n    cou|\n  }\n}\n', plain);
    const count = item(result.items, 'count');
    assert.notEqual(count.insertTextFormat, 2);
    assert.equal(accept(result, 'count'), 'job "web" {\n  group "app" {\n    count = \n  }\n}\n');
  } finally {
    await plain.stop();
  }
});

test('values: enums, signal names, drivers, booleans', async () => {
  const pid = await complete(task('      config {\n        command = "x"\n        pid_mode = "|"\n      }'));
  assert.deepEqual(pid.labels.sort(), ['host', 'private']);
  assert.match(accept(pid, 'host'), /pid_mode = "host"/);

  const type = await complete('job "web" {\n  type = |\n}\n');
  for (const value of ['service', 'batch', 'system', 'sysbatch']) assert.ok(type.labels.includes(value), value);
  assert.match(accept(type, 'batch'), /type = "batch"/, 'outside quotes the value comes quoted');

  const restart = await complete('job "web" {\n  group "g" {\n    restart {\n      mode = "|"\n    }\n  }\n}\n');
  assert.deepEqual(restart.labels.sort(), lookupAttribute(['job', 'group', 'restart'], 'mode')!.values!.map((v) => v.value).sort());

  const hook = await complete(task('      lifecycle {\n        hook = "p|"\n      }'));
  assert.deepEqual(hook.labels.sort(), ['poststart', 'poststop', 'prestart']);

  const signal = await complete(task('      kill_signal = "SIG|"'));
  assert.equal(signal.labels.length, SIGNALS.length);
  assert.match(accept(signal, 'SIGTERM'), /kill_signal = "SIGTERM"/);

  const driver = await complete('job "web" {\n  group "g" {\n    task "t" {\n      driver = "|"\n    }\n  }\n}\n');
  assert.ok(driver.labels.includes('exec'));
  assert.ok(driver.labels.includes('raw_exec'));

  const bool = await complete(task('      leader = |'));
  assert.ok(bool.labels.includes('true') && bool.labels.includes('false'));
  assert.match(accept(bool, 'true'), /leader = true\n/);
});

test('half-typed cap_add with no closing brackets: capability names', async () => {
  const result = await complete('job "web" {\n  group "app" {\n    task "server" {\n      driver = "exec"\n      config {\n        cap_add = ["|');
  assert.equal(result.labels.length, CAPABILITIES.length + 1, 'every name and all');
  assert.ok(result.labels.includes('net_bind_service'));
  assert.match(accept(result, 'net_bind_service'), /cap_add = \["net_bind_service$/);
});

test('cap_add: listed names left out, names outside allow_caps last with a note', async () => {
  const result = await complete(task('      config {\n        command = "x"\n        cap_add = ["chown", "CAP_KILL", "|"]\n      }'));
  assert.ok(!result.labels.includes('chown'));
  assert.ok(!result.labels.includes('kill'), 'CAP_KILL is kill after normalisation');
  const netRaw = item(result.items, 'net_raw');
  assert.match(netRaw.detail ?? '', /not in allow_caps: the client would refuse/);
  const allowedSorts = result.items.filter((i) => DEFAULT_ALLOW_CAPS.includes(i.label)).map((i) => i.sortText!);
  assert.ok(allowedSorts.every((s) => s < netRaw.sortText!), 'allowed names come first');
  const all = item(result.items, 'all');
  assert.match(all.detail ?? '', /refuse/);
});

test('cap_drop outside a string: names are inserted quoted', async () => {
  const result = await complete(task('      config {\n        command = "x"\n        cap_drop = [|]\n      }'));
  assert.equal(result.labels.length, CAPABILITIES.length + 1);
  assert.match(accept(result, 'all'), /cap_drop = \["all"\]/);
});

test('capability names follow the configured allow_caps', async () => {
  const configured = await LspClient.start({
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    configuration: { nomadExec: { allowCaps: ['net_raw'] } },
  });
  try {
    const result = await complete(task('      config {\n        command = "x"\n        cap_add = ["|"]\n      }'), configured);
    assert.doesNotMatch(item(result.items, 'net_raw').detail ?? '', /refuse/);
    assert.match(item(result.items, 'chown').detail ?? '', /refuse/);
  } finally {
    await configured.stop();
  }
});

test('after ${: runtime variables, port labels, node names, env, var and local', async () => {
  const job = `variable "image" {
  default = "x"
}
locals {
  dir = "/alloc"
}
${task('      env {\n        FOO = "bar"\n      }\n      config {\n        command = "x"\n        args = ["${NOMAD_|"]\n      }')}`;
  const result = await complete(job);
  for (const name of ['NOMAD_TASK_DIR', 'NOMAD_ALLOC_ID', 'NOMAD_PORT_http', 'attr.kernel.name', 'node.unique.id', 'meta.', 'var.image', 'local.dir', 'env["FOO"]']) {
    assert.ok(result.labels.includes(name), name);
  }
  assert.ok(!result.labels.some((l) => l.startsWith('NOMAD_PORT_') && l !== 'NOMAD_PORT_http'), 'only declared port labels');
  assert.match(accept(result, 'NOMAD_TASK_DIR'), /args = \["\$\{NOMAD_TASK_DIR"\]/);
  assert.equal(item(result.items, 'NOMAD_TASK_DIR').detail, '= /local');
});

test('after ${ in a dotted name the whole name is replaced', async () => {
  const result = await complete(task('      config {\n        command = "x"\n        args = ["${attr.ker|}"]\n      }'));
  assert.match(accept(result, 'attr.kernel.name'), /"\$\{attr\.kernel\.name\}"/);
});

test('half-typed documents: unclosed blocks and errors above the cursor', async () => {
  const unclosed = await complete('job "web" {\n  group "app" {\n    task "server" {\n      |');
  assert.ok(unclosed.labels.includes('driver'));
  assert.ok(unclosed.labels.includes('config'));

  const afterError = await complete('job "web" {\n  type = = "batch"\n  group "app" {\n    task "server" {\n      driver = "exec"\n      config {\n        |\n      }\n    }\n  }\n}\n');
  assert.ok(afterError.labels.includes('command'));

  const unclosedList = await complete('job "web" {\n  group "app" {\n    task "server" {\n      driver = "exec"\n      config {\n        args = ["a",\n      }\n      |\n    }\n  }\n}\n');
  assert.ok(unclosedList.labels.includes('env'));
  assert.ok(!unclosedList.labels.includes('driver') && !unclosedList.labels.includes('config'), 'names already set stay out');

  const inComment = await complete('job "web" {\n  # ty|\n}\n');
  assert.deepEqual(inComment.labels, []);
});

test('the server answers completion anywhere in a broken file', async () => {
  const broken = 'job "web" {\n  group "app" {\n    task "server" {\n      config {\n        args = ["${env["X"]}", "${\n        cap_add = [\n  }\n';
  const { uri } = await openDoc(client, broken, 'completion-broken');
  const lines = broken.split('\n');
  for (let line = 0; line < lines.length; line++) {
    for (let character = 0; character <= lines[line].length; character++) {
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    }
  }
  assert.ok(client.alive);
});

test('a reference being typed as a value is replaced whole', async () => {
  const result = await complete('variable "drv" {\n  default = "exec"\n}\njob "web" {\n  group "g" {\n    task "t" {\n      driver = var.d|\n    }\n  }\n}\n');
  assert.match(accept(result, 'var.drv'), /driver = var\.drv\n/);
});

test('allow_caps in an agent plugin block takes capability names', async () => {
  const result = await complete('plugin "exec" {\n  config {\n    allow_caps = ["chown", "|"]\n  }\n}\n');
  assert.ok(result.labels.includes('net_raw'));
  assert.ok(!result.labels.includes('chown'));
});

test('dynamic "<type>": the block types the body accepts', async () => {
  const result = await complete('job "web" {\n  group "app" {\n    dynamic "|"\n  }\n}\n');
  assert.ok(result.labels.includes('task'));
  assert.ok(result.labels.includes('network'));
  assert.ok(!result.labels.includes('count'), 'attributes cannot be dynamic');
});
