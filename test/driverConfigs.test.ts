// Issue 16: the task configs of docker, raw_exec, java, qemu, exec2 and podman, checked, hovered, completed
// and fixed from the driver -> config schema table, through `nomad-exec lsp --stdio`. Each driver gets a
// config with an unknown key, a missing required attribute, a wrong type and a value outside the allowed
// set (or range), and a clean twin using the same keys correctly.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, CompletionList, Diagnostic, Hover, Position, TextEdit } from 'vscode-languageserver-types';
import type { LspClient } from './helpers/lspClient';
import { applyEdits, cursor, openDoc, positionOf } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

/** A job with one task of `driver` whose task body (config included) is `body`. */
const job = (driver: string, body: string) => `job "web" {
  datacenters = ["dc1"]
  group "app" {
    network {
      port "http" {
        to = 8080
      }
    }
    task "server" {
      driver = "${driver}"
${body}
    }
  }
}
`;

const config = (driver: string, lines: string) => job(driver, `      config {\n${lines}\n      }`);

async function diagnosticsOf(text: string): Promise<Diagnostic[]> {
  const { uri, diagnostics } = await openDoc(client, text, 'driver');
  client.close(uri);
  return diagnostics;
}

const errorsOf = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === 1);
const show = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.range.start.line + 1}: [${d.code}] ${d.message}`).join('\n');

interface Expected {
  code: string;
  message: RegExp;
}

/** `bad` yields every expected error (code and message) on a line of its own; `clean` yields no error. */
async function driverPair(bad: string, expected: Expected[], clean: string): Promise<void> {
  const found = errorsOf(await diagnosticsOf(bad));
  for (const e of expected) {
    assert.ok(found.some((d) => d.code === e.code && e.message.test(d.message) && d.source === 'nomad-exec'), `expected [${e.code}] ${e.message} in\n${bad}\ngot:\n${show(found)}`);
  }
  assert.equal(found.length, expected.length, `exactly the expected errors:\n${show(found)}`);
  const twin = await diagnosticsOf(clean);
  assert.deepEqual(show(errorsOf(twin)), '', `the clean twin has no error:\n${clean}`);
}

test('docker: unknown key (with the nearest name), missing image, wrong type, bad enum value', async () => {
  await driverPair(
    config('docker', '        imag       = "redis:7"\n        force_pull = "yes"\n        cgroupns   = "hots"'),
    [
      { code: 'unknown-attribute', message: /docker config of task "server" has no attribute named imag\b.*Did you mean image\?/ },
      { code: 'missing-required', message: /docker config of task "server" needs image/ },
      { code: 'type-mismatch', message: /force_pull .*true or false/ },
      { code: 'invalid-value', message: /cgroupns .*"hots".*Did you mean "host"\?/ },
    ],
    config('docker', '        image      = "redis:7"\n        force_pull = "true"\n        cgroupns   = "host"'),
  );
});

test('docker: nested blocks (mount and its options, devices, logging, auth) are checked too', async () => {
  await driverPair(
    config('docker', [
      '        image = "redis:7"',
      '        mount {',
      '          type   = "nfs"',
      '          target = "/data"',
      '          bind_options {',
      '            propagaton = "rshared"',
      '          }',
      '        }',
      '        devices {',
      '          container_path = "/dev/xvdc"',
      '          cgroup_permissions = "rwx"',
      '        }',
      '        logging {',
      '          type = "json-file"',
      '          config {',
      '            max-size = ["10m"]',
      '          }',
      '        }',
    ].join('\n')),
    [
      { code: 'invalid-value', message: /type in mount .*"nfs".*"bind"/ },
      { code: 'unknown-attribute', message: /bind_options has no attribute named propagaton.*Did you mean propagation\?/i },
      { code: 'missing-required', message: /devices needs host_path/i },
      { code: 'invalid-value', message: /cgroup_permissions .*"rwx"/ },
      { code: 'type-mismatch', message: /max-size .*string/ },
    ],
    config('docker', [
      '        image = "redis:7"',
      '        mount {',
      '          type   = "bind"',
      '          source = "local/data"',
      '          target = "/data"',
      '          bind_options {',
      '            propagation = "rshared"',
      '          }',
      '        }',
      '        mount {',
      '          type   = "tmpfs"',
      '          target = "/scratch"',
      '          tmpfs_options {',
      '            size = 100000',
      '          }',
      '        }',
      '        devices {',
      '          host_path          = "/dev/xvdc"',
      '          cgroup_permissions = "rw"',
      '        }',
      '        logging {',
      '          type = "json-file"',
      '          config {',
      '            max-size = "10m"',
      '            max-file = 3',
      '          }',
      '        }',
      '        auth {',
      '          username = "deploy"',
      '          password = "secret"',
      '        }',
      '        healthchecks {',
      '          disable = true',
      '        }',
    ].join('\n')),
  );
});

test('docker: every form Nomad reads for blocks and maps (attribute, block, list of objects)', async () => {
  await driverPair(
    config('docker', [
      '        image    = "redis:7"',
      '        mounts   = [{ type = "bnd", target = "/data" }]',
      '        auth     = { usernam = "deploy" }',
      '        labels   = "team=web"',
      '        port_map {',
      '          http = "eighty"',
      '        }',
      '        ulimit {',
      '          nofile {',
      '            soft = 1',
      '          }',
      '        }',
    ].join('\n')),
    [
      { code: 'invalid-value', message: /type in mounts .*"bnd".*Did you mean "bind"\?/ },
      { code: 'unknown-attribute', message: /auth in the docker config .*has no attribute named usernam.*Did you mean username\?/i },
      { code: 'type-mismatch', message: /labels .*map of strings/ },
      { code: 'type-mismatch', message: /http .*whole number/ },
      { code: 'unknown-block', message: /ulimit has no block named nofile/i },
    ],
    config('docker', [
      '        image    = "redis:7"',
      '        ports    = ["http"]',
      '        mounts   = [{ type = "bind", source = "local/data", target = "/data", bind_options = { propagation = "rslave" } }]',
      '        auth     = { username = "deploy" }',
      '        labels   = { "com.example.team" = "web" }',
      '        sysctl   = [{ "net.core.somaxconn" = "16384" }]',
      '        port_map {',
      '          http = "8080"',
      '        }',
      '        ulimit {',
      '          nofile = "65536:65536"',
      '        }',
      '        storage_opt {',
      '          size = "10G"',
      '        }',
    ].join('\n')),
  );
});

test('raw_exec: unknown key, missing command, wrong type, out-of-range value', async () => {
  await driverPair(
    config('raw_exec', '        comand        = "/usr/bin/true"\n        args          = "-v"\n        oom_score_adj = 5000'),
    [
      { code: 'unknown-attribute', message: /raw_exec config of task "server" has no attribute named comand.*Did you mean command\?/ },
      { code: 'missing-required', message: /raw_exec config of task "server" needs command/ },
      { code: 'type-mismatch', message: /args .*list of strings/ },
      { code: 'out-of-range', message: /oom_score_adj .*between -1000 and 1000/ },
    ],
    config('raw_exec', '        command       = "/usr/bin/true"\n        args          = ["-v"]\n        oom_score_adj = 500\n        cgroup_v1_override {\n          pids = "/nomad/web"\n        }'),
  );
});

test('java: unknown key, neither jar_path nor class, wrong type, bad namespace mode', async () => {
  await driverPair(
    config('java', '        jvm_option  = ["-Xmx512m"]\n        args        = "--port"\n        pid_mode    = "shared"'),
    [
      { code: 'unknown-attribute', message: /java config of task "server" has no attribute named jvm_option\b.*Did you mean jvm_options\?/ },
      { code: 'missing-required', message: /java config of task "server" needs jar_path or class/ },
      { code: 'type-mismatch', message: /args .*list of strings/ },
      { code: 'invalid-value', message: /pid_mode .*"shared".*"private", "host"/ },
    ],
    config('java', '        jar_path    = "local/app.jar"\n        jvm_options = ["-Xmx512m"]\n        args        = ["--port"]\n        pid_mode    = "private"'),
  );
});

test('qemu: a key of another driver, missing image_path, wrong type, bad drive_interface', async () => {
  await driverPair(
    config('qemu', '        ports             = ["ssh"]\n        graceful_shutdown = "sometimes"\n        drive_interface   = "nvme"'),
    [
      { code: 'unknown-attribute', message: /qemu config of task "server" has no attribute named ports\. It belongs to the docker, podman drivers\./ },
      { code: 'missing-required', message: /qemu config of task "server" needs image_path/ },
      { code: 'type-mismatch', message: /graceful_shutdown .*true or false/ },
      { code: 'invalid-value', message: /drive_interface .*"nvme".*"virtio"/ },
    ],
    config('qemu', '        image_path        = "local/linux.img"\n        accelerator       = "kvm"\n        graceful_shutdown = true\n        drive_interface   = "virtio"\n        port_map {\n          http = 80\n        }'),
  );
});

test('exec2: unknown key, missing command, wrong type, out-of-range value', async () => {
  await driverPair(
    config('exec2', '        cap_add       = ["sys_time"]\n        unveil        = "r:/etc/ssl"\n        oom_score_adj = -5000'),
    [
      { code: 'unknown-attribute', message: /exec2 config of task "server" has no attribute named cap_add\. It belongs to the exec, docker, java, podman drivers\./ },
      { code: 'missing-required', message: /exec2 config of task "server" needs command/ },
      { code: 'type-mismatch', message: /unveil .*list of strings/ },
      { code: 'out-of-range', message: /oom_score_adj/ },
    ],
    config('exec2', '        command       = "/usr/bin/python3"\n        args          = ["-m", "http.server"]\n        unveil        = ["r:/etc/mime.types"]\n        oom_score_adj = 500'),
  );
});

test('podman: unknown key, missing image, wrong type, bad logging driver', async () => {
  await driverPair(
    config('podman', '        imge       = "docker.io/library/redis:7"\n        privileged = "maybe"\n        logging {\n          driver = "json-file"\n        }'),
    [
      { code: 'unknown-attribute', message: /podman config of task "server" has no attribute named imge.*Did you mean image\?/ },
      { code: 'missing-required', message: /podman config of task "server" needs image/ },
      { code: 'type-mismatch', message: /privileged .*true or false/ },
      { code: 'invalid-value', message: /driver in logging .*"json-file".*"nomad", "journald"/ },
    ],
    config('podman', '        image      = "docker.io/library/redis:7"\n        privileged = false\n        ports      = ["http"]\n        logging {\n          driver  = "journald"\n          options {\n            tag = "redis"\n          }\n        }'),
  );
});

test('a driver outside the table keeps a free-form config', async () => {
  const diagnostics = await diagnosticsOf(config('containerd-driver', '        image    = "redis:7"\n        anything = { goes = true }\n        block {\n          here = 1\n        }'));
  assert.deepEqual(show(errorsOf(diagnostics)), '');
});

test('a task of a table driver without config: missing-required, and a fix that adds the required keys', async () => {
  const text = job('docker', '      resources {\n        cpu = 100\n      }');
  const { uri, diagnostics } = await openDoc(client, text, 'driver');
  const diagnostic = diagnostics.find((d) => d.code === 'missing-required');
  assert.ok(diagnostic, show(diagnostics));
  assert.match(diagnostic.message, /Task "server" uses the docker driver but has no config block with image/);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } });
  client.close(uri);
  const action = actions.find((a) => /Add a config block with image/.test(a.title));
  assert.ok(action, actions.map((a) => a.title).join(' | '));
  const fixed = applyEdits(text, action.edit!.changes![uri]);
  assert.match(fixed, /\n\n      config \{\n        image = ""\n      \}\n    \}/);
  const java = errorsOf(await diagnosticsOf(job('java', '')));
  assert.match(show(java), /uses the java driver but has no config block with jar_path or class/);
  // A driver with nothing required (none in the table today) or outside it: no config is fine.
  assert.deepEqual(show(errorsOf(await diagnosticsOf(job('containerd-driver', '')))), '');
});

test('quick fixes from the schema: the nearest name for an unknown docker key, the nearest allowed value', async () => {
  const text = config('docker', '        image      = "redis:7"\n        force_pul  = true\n        cgroupns   = "privat"');
  const { uri, diagnostics } = await openDoc(client, text, 'driver');
  const wanted = diagnostics.filter((d) => d.code === 'unknown-attribute' || d.code === 'invalid-value');
  assert.equal(wanted.length, 2, show(diagnostics));
  let fixed = text;
  const edits: TextEdit[] = [];
  for (const diagnostic of wanted) {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } });
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, actions.map((a) => a.title).join(' | '));
    edits.push(...preferred.edit!.changes![uri]);
  }
  client.close(uri);
  fixed = applyEdits(text, edits);
  assert.match(fixed, /force_pull  = true/);
  assert.match(fixed, /cgroupns   = "private"/);
  assert.deepEqual(show(errorsOf(await diagnosticsOf(fixed))), '');
});

// ---- hover and completion inside a docker config -------------------------------------------------------

const DOCKER_JOB = config('docker', [
  '        image = "redis:7"',
  '        labels {',
  '          team = "web"',
  '        }',
  '        mount {',
  '          type   = "bind"',
  '          source = "local/data"',
  '          target = "/data"',
  '        }',
].join('\n'));

async function hoverAt(text: string, position: Position): Promise<string> {
  const { uri } = await openDoc(client, text, 'driver');
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  client.close(uri);
  return hover ? (hover.contents as { value: string }).value : '';
}

test('hover in a docker config: attribute docs with type and required, nested blocks, allowed values, map blocks', async () => {
  const image = await hoverAt(DOCKER_JOB, positionOf(DOCKER_JOB, 'image =', 1));
  assert.match(image, /\*\*`image`\*\* — attribute of `config` \(docker\)/);
  assert.match(image, /Type: `string` · Required/);
  assert.match(image, /nomad\/docs\/drivers\/docker/);
  const mount = await hoverAt(DOCKER_JOB, positionOf(DOCKER_JOB, 'mount {', 1));
  assert.match(mount, /\*\*`mount`\*\* — block/);
  assert.match(mount, /bind or tmpfs mount/);
  const type = await hoverAt(DOCKER_JOB, positionOf(DOCKER_JOB, '"bind"', 2));
  assert.match(type, /\*\*`"bind"`\*\* for `type`/);
  assert.match(type, /path of the host/);
  const labels = await hoverAt(DOCKER_JOB, positionOf(DOCKER_JOB, 'labels {', 1));
  assert.match(labels, /Docker labels set on the container/);
  const driver = await hoverAt(DOCKER_JOB, positionOf(DOCKER_JOB, '"docker"', 2));
  assert.match(driver, /checked against the docker driver's schema/);
});

async function completionLabels(marked: string): Promise<string[]> {
  const { text, position } = cursor(marked);
  const { uri } = await openDoc(client, text, 'driver');
  const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  client.close(uri);
  return list.items.map((i) => i.label);
}

test('completion in a docker config: its keys and blocks, nested block keys, allowed values', async () => {
  const top = await completionLabels(config('docker', '        image = "redis:7"\n        |'));
  for (const name of ['force_pull', 'ports', 'mount', 'logging', 'labels', 'network_mode']) assert.ok(top.includes(name), `offers ${name}`);
  for (const name of ['image', 'jar_path', 'unveil', 'image_path']) assert.ok(!top.includes(name), `does not offer ${name}`);
  const inMount = await completionLabels(config('docker', '        image = "redis:7"\n        mount {\n          |\n        }'));
  assert.deepEqual(inMount.sort(), ['bind_options', 'readonly', 'source', 'target', 'tmpfs_options', 'type', 'volume_options']);
  const values = await completionLabels(config('docker', '        image = "redis:7"\n        mount {\n          type = "|"\n        }'));
  assert.deepEqual(values.sort(), ['bind', 'tmpfs', 'volume']);
  const podman = await completionLabels(config('podman', '        image = "redis:7"\n        logging {\n          driver = "|"\n        }'));
  assert.deepEqual(podman.sort(), ['journald', 'nomad']);
});

test('completion of a config block in a docker task brings its required image', async () => {
  const { text, position } = cursor(job('docker', '      conf|'));
  const { uri } = await openDoc(client, text, 'driver');
  const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  client.close(uri);
  const item = list.items.find((i) => i.label === 'config');
  assert.ok(item);
  assert.match((item.textEdit as TextEdit).newText, /^config \{\n\timage = "\$1"/);
});

test('missing-required fixes inside driver configs: java jar_path (one of jar_path or class), docker devices host_path', async () => {
  const fixFor = async (text: string, message: RegExp): Promise<string> => {
    const { uri, diagnostics } = await openDoc(client, text, 'driver');
    const diagnostic = diagnostics.find((d) => d.code === 'missing-required' && message.test(d.message));
    assert.ok(diagnostic, show(diagnostics));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } });
    client.close(uri);
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, actions.map((a) => a.title).join(' | '));
    return applyEdits(text, preferred.edit!.changes![uri]);
  };
  const java = await fixFor(config('java', '        args = ["--port", "8080"]'), /jar_path or class/);
  assert.match(java, /      config \{\n        jar_path = ""\n        args = \["--port", "8080"\]/);
  const docker = await fixFor(config('docker', '        image = "redis:7"\n        devices {\n          container_path = "/dev/xvdc"\n        }'), /host_path/i);
  assert.match(docker, /        devices \{\n          host_path = ""\n          container_path = "\/dev\/xvdc"/);
});
