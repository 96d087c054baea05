// The template preview over the real stdio server: a code lens per template block, and
// workspace/executeCommand nomadExec.previewTemplate rendering with the task's environment, Consul calls
// as visible placeholders or from supplied values, and the preview following edits.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-types';
import { LspClient, testUri } from './helpers/lspClient';
import { execJob } from './helpers/diagnose';

const JOB = execJob({
  top: 'variable "greeting" {\n  default = "hello"\n}',
  task: `      env {
        APP_MODE = "prod"
      }
      template {
        destination = "local/app.conf"
        data        = <<-EOT
          greeting = \${var.greeting}
          mode = {{ env "APP_MODE" | toUpper }}
          dir  = {{ env "NOMAD_TASK_DIR" }}
          db   = {{ key "app/db" }}
          shell = $\${HOME}
        EOT
      }
      template {
        destination = "local/two.conf"
        data        = "{{ range loop 3 }}{{ . }},{{ end }}"
      }`,
});

interface Reply {
  text: string;
  placeholders: string[];
  error?: { message: string };
}

test('template preview over stdio', async () => {
  const client = await LspClient.start();
  try {
    const uri = testUri('template-preview.nomad.hcl');
    client.open(uri, JOB);
    await client.diagnostics(uri);
    const all = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    // The run lenses come from the same request (codeLens.test.ts); here only the Preview lenses count.
    const lenses = all.filter((l) => l.command?.command === 'nomadExec.previewTemplate');
    assert.deepEqual(lenses.map((l) => [l.command?.title, l.command?.command, (l.command?.arguments?.[0] as { template: number }).template]), [
      ['Preview', 'nomadExec.previewTemplate', 1],
      ['Preview', 'nomadExec.previewTemplate', 2],
    ]);
    const first = await client.request<Reply>('workspace/executeCommand', lenses[0].command);
    assert.equal(first.text, 'greeting = hello\nmode = PROD\ndir  = /local\ndb   = «key "app/db": needs Consul»\nshell = ${HOME}\n');
    assert.deepEqual(first.placeholders, ['key "app/db"']);
    const withValues = await client.request<Reply>('workspace/executeCommand', { command: 'nomadExec.previewTemplate', arguments: [{ uri, template: 1, values: { 'key "app/db"': 'postgres://db' } }] });
    assert.match(withValues.text, /db {3}= postgres:\/\/db\n/);
    assert.deepEqual(withValues.placeholders, []);
    const second = await client.request<Reply>('workspace/executeCommand', lenses[1].command);
    assert.equal(second.text, '0,1,2,');
    // The preview follows edits.
    const at = JOB.indexOf('toUpper');
    const before = JOB.slice(0, at);
    const start = { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) };
    client.change(uri, [{ range: { start, end: { line: start.line, character: start.character + 'toUpper'.length } }, text: 'toLower' }]);
    await client.diagnostics(uri, 2);
    const edited = await client.request<Reply>('workspace/executeCommand', lenses[0].command);
    assert.match(edited.text, /mode = prod\n/);
  } finally {
    await client.stop();
  }
});

test('nomad-exec render prints the same text as the preview, placeholders named on stderr, values from a file', async () => {
  const { spawnSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { REPO_ROOT } = await import('./helpers/lspClient');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-'));
  try {
    const job = path.join(dir, 'job.nomad.hcl');
    fs.writeFileSync(job, JOB);
    const cli = path.join(REPO_ROOT, 'bin', 'nomad-exec');
    const plain = spawnSync(process.execPath, [cli, 'render', job, '--task', 'app/server'], { encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(plain.stdout, 'greeting = hello\nmode = PROD\ndir  = /local\ndb   = «key "app/db": needs Consul»\nshell = ${HOME}\n');
    assert.match(plain.stderr, /key "app\/db" shown as a placeholder/);
    fs.writeFileSync(path.join(dir, 'values.json'), JSON.stringify({ 'key "app/db"': 'postgres://db' }));
    const answered = spawnSync(process.execPath, [cli, 'render', job, '--template-values', path.join(dir, 'values.json')], { encoding: 'utf8' });
    assert.equal(answered.status, 0, answered.stderr);
    assert.match(answered.stdout, /db {3}= postgres:\/\/db\n/);
    const second = spawnSync(process.execPath, [cli, 'render', job, '--template', '2'], { encoding: 'utf8' });
    assert.equal(second.stdout, '0,1,2,');
    fs.writeFileSync(job, JOB.replace('{{ range loop 3 }}', '{{ range loop 3 }'));
    const broken = spawnSync(process.execPath, [cli, 'render', job, '--template', '2'], { encoding: 'utf8' });
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /template 2, line 1: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('nomadExec.templateValues: the preview over stdio answers remote calls from the values file, read at each preview', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'values-'));
  const file = path.join(dir, 'values.json');
  fs.writeFileSync(file, JSON.stringify({ 'key "app/db"': 'postgres://db' }));
  const client = await LspClient.start({ initializationOptions: { settings: { templateValues: file } } });
  try {
    const uri = testUri('template-values.nomad.hcl');
    client.open(uri, JOB);
    await client.diagnostics(uri);
    const preview = (): Promise<Reply & { valuesProblem?: string }> => client.request('workspace/executeCommand', { command: 'nomadExec.previewTemplate', arguments: [{ uri, template: 1 }] });
    const answered = await preview();
    assert.match(answered.text, /db {3}= postgres:\/\/db\n/);
    assert.deepEqual(answered.placeholders, []);
    // The file changed: the next preview reads it again.
    fs.writeFileSync(file, JSON.stringify({ 'key "app/db"': 'mysql://db' }));
    assert.match((await preview()).text, /db {3}= mysql:\/\/db\n/);
    // The twin: a broken file is said, and the call is a placeholder again.
    fs.writeFileSync(file, '{ not json');
    const broken = await preview();
    assert.deepEqual(broken.placeholders, ['key "app/db"']);
    assert.match(broken.valuesProblem ?? '', /values\.json/);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
