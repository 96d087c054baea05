// launcherArgs: plain data -> the native launcher's argv (launcher/README.md), and finding the binary.

import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { launcherArgv, launcherBinary, launcherEnvRecords, LauncherSpec, parseLauncherInfo } from '../launcher/src/launcherArgs';

const base: LauncherSpec = {
  taskDir: '/srv/alloc/a1/web',
  chrootEnv: { '/usr': '/usr', '/etc': '/etc' },
  pidMode: 'private',
  ipcMode: 'host',
  capabilities: ['chown', 'kill'],
  env: { NOMAD_TASK_DIR: '/local', EMPTY: '' },
  envFd: 5,
  command: '/bin/echo',
  args: ['hello', '--', 'world'],
};

test('the minimal spec maps onto options in a fixed order, the command last after --', () => {
  assert.deepEqual(launcherArgv(base), [
    '--root', '/srv/alloc/a1/web',
    '--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc',
    '--pid', 'private', '--ipc', 'host',
    '--caps', 'chown,kill',
    '--user', 'nobody',
    '--env-fd', '5',
    '--', '/bin/echo', 'hello', '--', 'world',
  ]);
});

test('a task of 200,000 arguments keeps them all, in order, after the command', () => {
  // A computed args list may be that long; the argv is built without spreading it into one call.
  const args = Array.from({ length: 200_000 }, (_, i) => `a${i}`);
  const argv = launcherArgv({ ...base, args });
  const command = argv.indexOf('/bin/echo');
  assert.equal(argv[command - 1], '--');
  assert.deepEqual(argv.slice(command + 1), args);
});

test('every optional field has its option', () => {
  const argv = launcherArgv({
    ...base,
    allocDir: '/srv/alloc/a1/alloc',
    binds: [{ hostPath: '/data', taskPath: '/data', readOnly: false }, { hostPath: '/cfg', taskPath: '/etc/app', readOnly: true }],
    user: 'www-data',
    workDir: '/local',
    killSignal: 'SIGTERM',
    killTimeoutMs: 0,
    memoryMb: 256,
    memoryMaxMb: -1,
    cpuMhz: 500,
    noPivotRoot: true,
    stopFd: 3,
    infoFd: 4,
    capabilities: [],
  });
  const joined = argv.join(' ');
  for (const part of [
    '--alloc-dir /srv/alloc/a1/alloc', '--bind /data /data', '--ro-bind /cfg /etc/app', '--user www-data',
    '--chdir /local', '--kill-signal SIGTERM', '--kill-timeout 0', '--memory 256', '--memory-max -1',
    '--cpu 500', '--no-pivot-root', '--stop-fd 3', '--info-fd 4',
  ]) {
    assert.ok(joined.includes(part), `missing ${part}`);
  }
  assert.equal(argv[argv.indexOf('--caps') + 1], '', 'an empty set is passed as an empty list, not left to the default');
});

test('the environment never reaches argv: it is NUL-separated records for --env-fd', () => {
  const argv = launcherArgv({ ...base, env: { TOKEN: 'secret value', EMPTY: '' } });
  assert.ok(!argv.some((a) => a.includes('secret value')));
  assert.equal(launcherEnvRecords({ TOKEN: 'secret value', EMPTY: '', MULTI: 'a\nb' }).toString(), 'TOKEN=secret value\0EMPTY=\0MULTI=a\nb\0');
  assert.throws(() => launcherArgv({ ...base, envFd: undefined }), /envFd/);
  assert.deepEqual(launcherArgv({ ...base, env: {}, envFd: undefined }).includes('--env-fd'), false);
});

test('bad input is refused before anything is spawned', () => {
  assert.throws(() => launcherArgv({ ...base, taskDir: 'relative/dir' }), /absolute/);
  assert.throws(() => launcherArgv({ ...base, workDir: 'local' }), /absolute/);
  assert.throws(() => launcherArgv({ ...base, env: { 'A=B': 'x' } }), /cannot be passed/);
  assert.throws(() => launcherArgv({ ...base, env: { A: 'x\0y' } }), /cannot be passed/);
  assert.throws(() => launcherArgv({ ...base, memoryMb: 1.5 }), /whole number/);
  assert.throws(() => launcherArgv({ ...base, killTimeoutMs: -1 }), /whole number/);
});

test('info lines parse; an unfinished last line is left for later', () => {
  assert.deepEqual(parseLauncherInfo('{"child-pid": 42}\n{"exec": true}\n{"exit-co'), [{ 'child-pid': 42 }, { exec: true }]);
});

test('the built launcher is found, and NOMAD_EXEC_LAUNCHER overrides it', () => {
  const found = launcherBinary();
  assert.ok(fs.existsSync(found), found);
  process.env.NOMAD_EXEC_LAUNCHER = '/opt/elsewhere/launcher';
  try {
    assert.equal(launcherBinary(), '/opt/elsewhere/launcher');
  } finally {
    delete process.env.NOMAD_EXEC_LAUNCHER;
  }
});
