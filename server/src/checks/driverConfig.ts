// Every task's `config` against its driver's schema, for each driver of the table in schema/drivers.ts
// (exec, raw_exec, docker, java, qemu, exec2, podman): unknown names with the nearest valid one and the
// drivers they belong to, missing required attributes, types, allowed values. Nomad's `job validate` checks
// none of this; the client refuses the task when it starts. Other drivers' configs stay free-form.
// What only exec means by its values (namespaces, capabilities, work_dir) is in execConfig.ts.
import type { Block, Group } from '../model/types';
import { attributeOf } from '../model/build';
import { DRIVERS, FOREIGN_EXEC_KEYS, driversWithConfigKey } from '../schema/drivers';
import type { DriverSchema } from '../schema/types';
import type { Check, CheckContext } from './check';
import { SchemaWalker } from './schemaWalker';
import { FindingMemo, fileTokenOf } from './memo';

export const driverConfig: Check = {
  name: 'driverConfig',
  run() {
    // Everything is per group (remembered per group by runChecks, groupMemo.ts).
  },
  groups: () => checkGroup,
};

const CONFIG_PATH = ['job', 'group', 'task', 'config'] as const;

function checkGroup(ctx: CheckContext, group: Group): void {
  for (const task of group.tasks) {
    const driver = task.driverName === undefined || task.dynamic ? undefined : DRIVERS[task.driverName];
    if (driver) checkTask(ctx, driver, task.block, `task "${task.name}"`, task.config, true);
  }
  // A Connect sidecar task's config is merged over Nomad's default sidecar config (which brings the image
  // and args), so only names and values are checked there, not what is required.
  if (!group.implicit) {
    for (const sidecar of sidecarTasks(group.block.body)) {
      const attribute = attributeOf(sidecar.body, 'driver');
      const name = attribute ? ctx.evaluator.evaluate(attribute.value) : undefined;
      const driver = typeof name === 'string' ? DRIVERS[name] : undefined;
      if (driver) checkTask(ctx, driver, sidecar, 'the sidecar_task', undefined, false);
    }
  }
}

/** sidecar_task blocks under the group's services and its tasks' services. */
export function sidecarTasks(body: Block['body']): Block[] {
  const found: Block[] = [];
  const visit = (b: Block['body'], depth: number): void => {
    for (const item of b.items) {
      if (item.kind !== 'block' || depth > 4) continue;
      if (item.type === 'sidecar_task') found.push(item);
      else if (item.type === 'service' || item.type === 'connect' || item.type === 'task') visit(item.body, depth + 1);
    }
  };
  visit(body, 0);
  return found;
}

/** What a driver's config cannot do without, in words ("command", "jar_path or class"). */
function requiredWords(driver: DriverSchema): string[] {
  const words = Object.entries(driver.config.attributes).filter(([, a]) => a.required).map(([name]) => name);
  for (const names of driver.config.requireOneOf ?? []) words.push(names.join(' or '));
  return words;
}

function checkTask(ctx: CheckContext, driver: DriverSchema, taskBlock: Block, title: string, modelConfig: Block | undefined, strict: boolean): void {
  const configs = taskBlock.body.items.filter((i): i is Block => i.kind === 'block' && i.type === 'config');
  if (configs.length === 0) {
    const needs = requiredWords(driver);
    if (!strict || needs.length === 0) return;
    ctx.report({
      range: taskBlock.typeRange,
      code: 'missing-required',
      message: `${title.charAt(0).toUpperCase()}${title.slice(1)} uses the ${driver.name} driver but has no config block with ${needs.join(' and ')}.`,
      data: { missing: 'config' },
    });
    return;
  }
  const config = modelConfig ?? configs[0];
  const where = `the ${driver.name} config of ${title}`;
  // What the walk reports follows from the config block, the driver, the wording and the file token (the
  // evaluator's values): remembered per config block, so an edit elsewhere in the task does not walk it again.
  memo.run(ctx, config, [fileTokenOf(ctx), driver, where, strict], (ctx) => {
    const walker = new SchemaWalker(ctx, { unknownAttributeHint: (name, path) => (path.length === CONFIG_PATH.length ? foreignHint(driver, name) : undefined) });
    if (strict) walker.walk(config.body, driver.config, CONFIG_PATH, where, driver.name, config);
    else walker.walkLoose(config.body, driver.config, CONFIG_PATH, where, driver.name);
  });
}

const memo = new FindingMemo();

/** Why a name is not in this driver's config when it belongs to another driver's. */
function foreignHint(driver: DriverSchema, name: string): string | undefined {
  const accepted = Object.keys(driver.config.attributes);
  if (driver.name === 'exec') {
    const owner = FOREIGN_EXEC_KEYS[name];
    return owner ? `It belongs to ${owner}; exec accepts only ${accepted.join(', ')}.` : `exec accepts only ${accepted.join(', ')}.`;
  }
  const owners = driversWithConfigKey(name, driver.name);
  if (owners.length) return `It belongs to the ${owners.join(', ')} driver${owners.length === 1 ? '' : 's'}.`;
  // Short configs are listed in full; docker's and podman's are too long for a message.
  return accepted.length <= 12 ? `${driver.name} accepts only ${[...accepted, ...Object.keys(driver.config.blocks)].join(', ')}.` : undefined;
}
