// The capability arithmetic of reference section 3, and name handling.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  CAPABILITIES, DEFAULT_ALLOW_CAPS, LEGACY_ROOT_CAPS, computeTaskCapabilities, isValidCapability,
  nearestCapability, normalizeCapability,
} from '../server/src/schema/capabilities';
import { isKnownSignal } from '../server/src/schema/signals';

test('41 capability names, 13 defaults, 38 legacy root names', () => {
  assert.equal(CAPABILITIES.length, 41);
  assert.equal(DEFAULT_ALLOW_CAPS.length, 13);
  assert.equal(LEGACY_ROOT_CAPS.length, 38);
  assert.ok(!LEGACY_ROOT_CAPS.includes('perfmon') && !LEGACY_ROOT_CAPS.includes('bpf') && !LEGACY_ROOT_CAPS.includes('checkpoint_restore'));
  assert.ok(LEGACY_ROOT_CAPS.includes('audit_read'));
});

test('normalisation: trim, case, cap_ prefix, all', () => {
  assert.equal(normalizeCapability('  CAP_Net_Raw '), 'net_raw');
  assert.equal(normalizeCapability('ALL'), 'all');
  assert.ok(isValidCapability('Cap_SYS_TIME'));
  assert.ok(isValidCapability('all'));
  assert.ok(!isValidCapability('net_rawr_x'));
  assert.equal(nearestCapability('net_rw'), 'net_raw');
  assert.equal(nearestCapability('CAP_SYS_ADMN'), 'sys_admin');
});

test('defaults give exactly the 13 default capabilities', () => {
  const result = computeTaskCapabilities({});
  assert.ok(result.ok);
  assert.deepEqual(result.capabilities, [...DEFAULT_ALLOW_CAPS].sort());
});

test('cap_drop all plus cap_add chown gives exactly chown', () => {
  const result = computeTaskCapabilities({ capDrop: ['all'], capAdd: ['chown'] });
  assert.ok(result.ok);
  assert.deepEqual(result.capabilities, ['chown']);
});

test('user root gets the legacy 38 whatever cap_drop says', () => {
  const result = computeTaskCapabilities({ capDrop: ['all'], user: 'root' });
  assert.ok(result.ok);
  assert.equal(result.capabilities.length, 38);
  assert.ok(result.legacyRoot);
});

test('cap_add net_raw with default allow_caps is refused; all too', () => {
  const refused = computeTaskCapabilities({ capAdd: ['NET_RAW'] });
  assert.deepEqual(refused, { ok: false, refused: ['NET_RAW'], unknown: [] });
  const all = computeTaskCapabilities({ capAdd: ['all'] });
  assert.ok(!all.ok && all.refused[0] === 'all');
});

test('allow_caps limits the default set and permits what it lists', () => {
  const result = computeTaskCapabilities({ allowCaps: ['chown', 'net_raw'], capAdd: ['cap_net_raw'] });
  assert.ok(result.ok);
  assert.deepEqual(result.capabilities, ['chown', 'net_raw']);
  const everything = computeTaskCapabilities({ allowCaps: ['all'], capAdd: ['all'] });
  assert.ok(everything.ok && everything.capabilities.length === 41);
});

test('unknown names are reported separately', () => {
  const result = computeTaskCapabilities({ capDrop: ['sys_foo'] });
  assert.deepEqual(result, { ok: false, refused: [], unknown: ['sys_foo'] });
});

test('signal names', () => {
  assert.ok(isKnownSignal('SIGTERM'));
  assert.ok(isKnownSignal('sigusr1'));
  assert.ok(!isKnownSignal('SIGFOO'));
});
