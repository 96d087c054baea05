// The README's configurations for Neovim, Helix and Zed (docs/editors/, included in the README verbatim):
// each is read here, its exact command is started over stdio with `nomad-exec` found on PATH (as after
// `npm install -g nomad-exec`), and the server is driven the way that editor drives it: its initialization
// options, and workspace/configuration answered from the configuration's settings. The settings must reach
// the server: the configs allow `net_raw` (not in Nomad's default allow_caps), so `cap_add = ["net_raw"]`
// is clean under them and an error without them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { REPO_ROOT } from './helpers/lspClient';

const EDITORS = path.join(REPO_ROOT, 'docs', 'editors');

interface EditorSetup {
  command: string[];
  initializationOptions?: unknown;
  /** What the editor answers to workspace/configuration (looked up by section). */
  settings: Record<string, unknown>;
}

/** A Lua table constructor of strings, names and nested tables (what the Neovim config uses). */
function parseLuaTable(src: string, start: number): { value: unknown; end: number } {
  let i = start;
  const skip = (): void => {
    while (/[\s,]/.test(src[i])) i++;
  };
  assert.equal(src[i], '{', `a table at ${i}`);
  i++;
  const list: unknown[] = [];
  const map: Record<string, unknown> = {};
  let keyed = false;
  for (skip(); src[i] !== '}'; skip()) {
    let key: string | undefined;
    const named = /^([A-Za-z_]\w*)\s*=\s*/.exec(src.slice(i));
    if (named) {
      key = named[1];
      i += named[0].length;
    }
    let value: unknown;
    if (src[i] === '{') ({ value, end: i } = parseLuaTable(src, i));
    else {
      const str = /^'([^']*)'/.exec(src.slice(i));
      assert.ok(str, `a string at ${src.slice(i, i + 20)}`);
      value = str[1];
      i += str[0].length;
    }
    if (key !== undefined) {
      keyed = true;
      map[key] = value;
    } else list.push(value);
  }
  return { value: keyed ? map : list, end: i + 1 };
}

function neovim(): EditorSetup {
  const src = fs.readFileSync(path.join(EDITORS, 'neovim.lua'), 'utf8');
  const field = (name: string): unknown => {
    const at = src.indexOf(`${name} = {`);
    return at < 0 ? undefined : parseLuaTable(src, at + name.length + 3).value;
  };
  return { command: field('cmd') as string[], initializationOptions: field('init_options'), settings: (field('settings') ?? {}) as Record<string, unknown> };
}

function helix(): EditorSetup {
  const src = fs.readFileSync(path.join(EDITORS, 'helix-languages.toml'), 'utf8');
  const server = src.slice(src.indexOf('[language-server.nomad-exec]'), src.indexOf('[[language]]'));
  const command = JSON.parse(/^command = (".*")$/m.exec(server)![1]) as string;
  const args = JSON.parse(/^args = (\[.*\])$/m.exec(server)![1]) as string[];
  // `config.a.b = [..]` dotted keys; the arrays of strings are written JSON-compatibly.
  const config: Record<string, unknown> = {};
  for (const [, keys, value] of server.matchAll(/^config\.([\w.]+) = (.*)$/gm)) {
    const parts = keys.split('.');
    let node = config;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = JSON.parse(value);
  }
  // Helix sends `config` as initializationOptions and answers workspace/configuration from it.
  return { command: [command, ...args], initializationOptions: config, settings: config };
}

function zed(): EditorSetup {
  const json = JSON.parse(fs.readFileSync(path.join(EDITORS, 'zed-settings.json'), 'utf8')) as {
    lsp: Record<string, { binary: { path: string; arguments: string[] }; initialization_options?: unknown; settings?: Record<string, unknown> }>;
  };
  const server = json.lsp['nomad-exec'];
  return { command: [server.binary.path, ...server.binary.arguments], initializationOptions: server.initialization_options, settings: server.settings ?? {} };
}

/** A folder with `nomad-exec` on it, like a global npm install's bin folder. */
function pathWithCli(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-path-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'bin', 'nomad-exec'), path.join(dir, 'nomad-exec'));
  return dir;
}

const JOB = `job "j" {
  type = "batch"
  group "g" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/true"
        cap_add = ["net_raw"]
      }
    }
  }
}
`;

interface Diagnostic {
  message: string;
  severity?: number;
  range: { start: { line: number } };
}

async function diagnosticsUnder(setup: EditorSetup): Promise<Diagnostic[]> {
  const bin = pathWithCli();
  const [command, ...args] = setup.command;
  assert.equal(command, 'nomad-exec', 'the configuration runs nomad-exec from PATH');
  const child = spawn(command, args, { env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const uri = pathToFileURL(path.join(os.tmpdir(), 'editor-config.nomad.hcl')).href;
  try {
    const published = new Promise<Diagnostic[]>((resolve) =>
      connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
        if (p.uri === uri) resolve(p.diagnostics);
      }),
    );
    let answered: () => void = () => undefined;
    const configurationAnswered = new Promise<void>((resolve) => (answered = resolve));
    connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => {
      setImmediate(answered); // after the answer is written: the didOpen sent next follows it on the stream
      return p.items.map((item) => (item.section ? setup.settings[item.section] ?? null : setup.settings));
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onNotification('window/logMessage', () => undefined);
    connection.listen();
    const init = (await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } },
      initializationOptions: setup.initializationOptions,
    })) as { serverInfo?: { name: string }; capabilities: Record<string, unknown> };
    assert.equal(init.serverInfo?.name, 'nomad-exec', stderr);
    assert.ok(init.capabilities.hoverProvider && init.capabilities.documentFormattingProvider, 'hover and formatting offered');
    await connection.sendNotification('initialized', {});
    // The server pulls its settings once initialized; the document is opened after that answer, so the
    // first diagnostics already reflect the editor's settings.
    await configurationAnswered;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nomad', version: 1, text: JOB } });
    const diagnostics = await published;
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return diagnostics;
  } finally {
    connection.dispose();
    child.kill();
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

const capError = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 1 && /net_raw/i.test(d.message));

for (const [name, read] of [['Neovim', neovim], ['Helix', helix], ['Zed', zed]] as const) {
  test(`${name}: the README configuration starts the server over stdio and its settings take effect`, async () => {
    const setup = read();
    assert.deepEqual(setup.command, ['nomad-exec', 'lsp', '--stdio']);
    const diagnostics = await diagnosticsUnder(setup);
    assert.deepEqual(capError(diagnostics), [], JSON.stringify(diagnostics));
  });
}

test('without the configurations\' settings the same job has the net_raw error (the twin that shows settings matter)', async () => {
  const diagnostics = await diagnosticsUnder({ command: ['nomad-exec', 'lsp', '--stdio'], settings: {} });
  assert.equal(capError(diagnostics).length, 1, JSON.stringify(diagnostics));
});

test('the README includes each configuration file verbatim', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const file of ['neovim.lua', 'helix-languages.toml', 'zed-settings.json']) {
    assert.ok(readme.includes(fs.readFileSync(path.join(EDITORS, file), 'utf8').trimEnd()), `${file} is in the README`);
  }
});
