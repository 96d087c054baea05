// The schema as data: lookups by path, driver-dependent config bodies, and completeness of the docs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, lookupAttribute, lookupBlock, lookupBody } from '../server/src/schema/lookup';
import { DRIVERS, EXEC, configBodyFor } from '../server/src/schema/drivers';
import { DOCKER } from '../server/src/schema/docker';
import type { BodySchema } from '../server/src/schema/types';

test('lookup by block path, with the driver deciding config', () => {
  assert.equal(lookupBody(['job', 'group', 'task', 'config'], 'exec'), EXEC.config);
  assert.equal(lookupBody(['job', 'group', 'task', 'config'], 'docker'), DOCKER.config);
  assert.equal(lookupBody(['job', 'group', 'task', 'config'], 'containerd-driver')?.open, true, 'a driver outside the table stays free-form');
  assert.equal(lookupBody(['job', 'group', 'task', 'config'])?.open, true);
  assert.equal(lookupAttribute(['job', 'group', 'task', 'config', 'mount', 'volume_options', 'driver_config'], 'name', 'docker')?.type.kind, 'string');
  // A map attribute of a driver config may be written as a block of its entries.
  assert.equal(lookupBody(['job', 'group', 'task', 'config', 'labels'], 'docker')?.openType?.kind, 'string');
  assert.equal(lookupBody(['job', 'group', 'task', 'config', 'port_map'], 'qemu')?.openType?.kind, 'number');
  assert.equal(lookupBlock(['job', 'group', 'task', 'config', 'labels'], 'docker'), lookupBlock(['job', 'group', 'task', 'config', 'labels'], 'docker'), 'made once');
  assert.equal(lookupAttribute(['job', 'group', 'task', 'config'], 'pid_mode', 'exec')?.values?.length, 3);
  assert.equal(lookupAttribute(['job'], 'priority')?.max, 100);
  assert.ok(lookupBlock(['job', 'group', 'network', 'port']));
  assert.ok(lookupBlock(['job', 'task', 'resources']), 'a task directly under job');
  assert.equal(lookupBlock(['job', 'group', 'nope']), undefined);
  assert.equal(lookupAttribute(['job', 'group', 'task', 'env'], 'ANY_NAME')?.type.kind, 'string');
  assert.equal(configBodyFor('raw_exec'), DRIVERS.raw_exec.config);
  assert.equal(configBodyFor('nomad-driver-unknown').open, true);
});

test('every block, attribute and allowed value has documentation', () => {
  const missing: string[] = [];
  const seen = new Set<BodySchema>();
  const walk = (body: BodySchema, path: string) => {
    if (seen.has(body)) return;
    seen.add(body);
    for (const [name, attribute] of Object.entries(body.attributes)) {
      if (!attribute.doc) missing.push(`${path}.${name}`);
      for (const value of attribute.values ?? []) if (!value.doc) missing.push(`${path}.${name}=${value.value}`);
    }
    for (const [name, block] of Object.entries(body.blocks)) {
      if (!block.doc) missing.push(`${path}.${name}{}`);
      if (block.body !== 'driverConfig') walk(block.body, `${path}.${name}`);
    }
  };
  walk(ROOT, 'file');
  for (const driver of Object.values(DRIVERS)) walk(driver.config, driver.name);
  walk(EXEC.pluginConfig!, 'exec-plugin');
  assert.deepEqual(missing, []);
  assert.ok(seen.size > 75, `schema has ${seen.size} bodies`);
});
