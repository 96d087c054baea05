// Settings resolution and the agent config reader.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CHROOT_ENV, resolveSettings, sameSettings, userDeniedMessage } from '../server/src/settings';
import { parseAgentConfig } from '../server/src/agentConfig';

test('defaults mirror a stock Nomad client', () => {
  const s = resolveSettings({});
  assert.equal(s.allowCaps.length, 13);
  assert.equal(s.defaultPidMode, 'private');
  assert.equal(s.defaultIpcMode, 'private');
  assert.equal(s.noPivotRoot, false);
  assert.deepEqual(s.chrootEnv, DEFAULT_CHROOT_ENV);
  assert.deepEqual(s.problems, []);
});

test('settings that say the same are the same whatever the order of their records; any difference tells them apart', () => {
  // A settings pull answered with what the server had keeps the analyses made under it (server.ts).
  const volumes = (order: string[]) => Object.fromEntries(order.map((name) => [name, { path: `/srv/${name}` }]));
  const a = resolveSettings({ allowCaps: ['chown'], hostVolumes: volumes(['data', 'logs']) });
  const b = resolveSettings({ allowCaps: ['CAP_CHOWN'], hostVolumes: volumes(['logs', 'data']) });
  assert.ok(sameSettings(a, b));
  assert.ok(sameSettings(resolveSettings({}), resolveSettings({})));
  for (const other of [
    { allowCaps: ['chown', 'net_raw'], hostVolumes: volumes(['data', 'logs']) },
    { allowCaps: ['chown'], hostVolumes: volumes(['data']) },
    { allowCaps: ['chown'], hostVolumes: { ...volumes(['data']), logs: { path: '/srv/other' } } },
    { allowCaps: ['chown'], hostVolumes: volumes(['data', 'logs']), noPivotRoot: true },
    { allowCaps: ['chown'], hostVolumes: volumes(['data', 'logs']), maxFileSize: 5 },
  ]) {
    assert.ok(!sameSettings(a, resolveSettings(other)), JSON.stringify(other));
  }
});

test('a non-empty chrootEnv replaces the default map; allowCaps are normalised', () => {
  const s = resolveSettings({ chrootEnv: { '/opt/app': '/app' }, allowCaps: ['CAP_NET_RAW', ' chown '] });
  assert.deepEqual(s.chrootEnv, { '/opt/app': '/app' });
  assert.deepEqual(s.allowCaps, ['net_raw', 'chown']);
  assert.equal(s.origin.allowCaps, 'setting nomadExec.allowCaps');
});

test('bad values become problems, not exceptions', () => {
  const s = resolveSettings({ allowCaps: ['net_rawr'], defaultPidMode: 'shared' as never });
  assert.equal(s.problems.length, 2);
  assert.equal(s.defaultPidMode, 'private');
});

test('HCL1 agent config: plugin exec config and client chroot_env', () => {
  const agent = parseAgentConfig(`
# client agent
client {
  enabled = true
  chroot_env {
    "/bin/ls" = "/bin/ls"
    "/etc"    = "/etc"
  }
}
plugin "exec" {
  config {
    allow_caps       = ["chown", "net_raw"]
    default_pid_mode = "host"
    no_pivot_root    = true
  }
}
`);
  assert.deepEqual(agent.problems, []);
  assert.deepEqual(agent.allowCaps, ['chown', 'net_raw']);
  assert.equal(agent.defaultPidMode, 'host');
  assert.equal(agent.noPivotRoot, true);
  assert.deepEqual(agent.chrootEnv, { '/bin/ls': '/bin/ls', '/etc': '/etc' });
});

test('JSON agent config', () => {
  const agent = parseAgentConfig(JSON.stringify({ plugin: { exec: { config: { allow_caps: ['kill'] } } }, client: { chroot_env: { '/usr': '/usr' } } }));
  assert.deepEqual(agent.allowCaps, ['kill']);
  assert.deepEqual(agent.chrootEnv, { '/usr': '/usr' });
});

test('agent config file wins over settings; a missing file is a problem', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-settings-'));
  const file = path.join(dir, 'client.hcl');
  fs.writeFileSync(file, 'plugin "exec" {\n  config {\n    allow_caps = ["all"]\n    default_ipc_mode = "host"\n  }\n}\n');
  const s = resolveSettings({ allowCaps: ['chown'], agentConfigFile: file });
  assert.deepEqual(s.allowCaps, ['all']);
  assert.equal(s.defaultIpcMode, 'host');
  assert.equal(s.origin.allowCaps, file);
  const missing = resolveSettings({ agentConfigFile: path.join(dir, 'nope.hcl') });
  assert.equal(missing.problems.length, 1);
  assert.match(missing.problems[0], /cannot read/);
  const broken = path.join(dir, 'broken.hcl');
  fs.writeFileSync(broken, 'plugin "exec" {\n config {\n');
  assert.match(resolveSettings({ agentConfigFile: broken }).problems[0], /cannot parse/);
  fs.rmSync(dir, { recursive: true });
});

test('user.denylist: client options in HCL1 and JSON, the legacy key, an empty list, checked drivers', () => {
  const hcl = parseAgentConfig('client {\n  options {\n    "user.denylist" = "root, deploy"\n    "user.checked_drivers" = "exec,java"\n  }\n}\n');
  assert.deepEqual(hcl.userDenylist, ['root', 'deploy']);
  assert.deepEqual(hcl.userCheckedDrivers, ['exec', 'java']);
  assert.deepEqual(parseAgentConfig('client {\n  options = {\n    "user.blacklist" = ""\n  }\n}\n').userDenylist, []);
  assert.deepEqual(parseAgentConfig(JSON.stringify({ client: { options: { 'user.denylist': 'nobody' } } })).userDenylist, ['nobody']);
  assert.equal(parseAgentConfig('client {\n  enabled = true\n}\n').userDenylist, undefined);
  const defaults = resolveSettings({});
  assert.deepEqual(defaults.userDenylist, ['root', 'Administrator']);
  assert.equal(defaults.allowHostNamespaces, false);
  assert.match(userDeniedMessage('root', 'exec', defaults) ?? '', /^A default client refuses/);
  assert.equal(userDeniedMessage('root', 'docker', defaults), undefined, 'only checked drivers');
  const fromSetting = resolveSettings({ userDenylist: 'deploy' });
  assert.equal(userDeniedMessage('root', 'exec', fromSetting), undefined);
  assert.match(userDeniedMessage('deploy', 'exec', fromSetting) ?? '', /from setting nomadExec\.userDenylist/);
  const fromFile = resolveSettings({ agentConfigFile: '/x/client.hcl', userDenylist: '' }, () => ({ userDenylist: ['ops'], problems: [] }));
  assert.deepEqual(fromFile.userDenylist, ['ops'], 'the agent config wins');
});

test('host volumes: the agent config file\'s host_volume blocks (HCL and JSON) win over nomadExec.hostVolumes; bad entries are problems', () => {
  const hcl = parseAgentConfig('client {\n  host_volume "data" {\n    path      = "/srv/data"\n    read_only = true\n  }\n  host_volume "bad" {\n    path = "relative"\n  }\n}\n');
  assert.deepEqual(hcl.hostVolumes, { data: { path: '/srv/data', readOnly: true } });
  assert.match(hcl.problems.join('\n'), /host_volume "bad" needs an absolute path/);
  const json = parseAgentConfig('{"client": {"host_volume": {"logs": {"path": "/var/log/app"}}}}');
  assert.deepEqual(json.hostVolumes, { logs: { path: '/var/log/app', readOnly: false } });
  const settings = resolveSettings(
    { agentConfigFile: '/agent.hcl', hostVolumes: { data: '/home/me/data', mine: { path: '/opt/mine', readOnly: true }, rel: 'x' } },
    () => hcl,
  );
  assert.deepEqual(settings.hostVolumes, {
    data: { path: '/srv/data', readOnly: true, origin: '/agent.hcl' },
    mine: { path: '/opt/mine', readOnly: true, origin: 'setting nomadExec.hostVolumes' },
  });
  assert.match(settings.problems.join('\n'), /volume "rel" needs an absolute host path/);
});
