// The `job` block: the unit Nomad registers, schedules and versions.
import { STRING_ATTRIBUTES, block, body, bool, docPath, int, oneOf, single, str, strList } from './build';
import { GROUP } from './group';
import { SECRET, UI, VAULT } from './integrations';
import { AFFINITY, CONSTRAINT, SPREAD } from './placement';
import { MIGRATE, MULTIREGION, PARAMETERIZED, PERIODIC, RESCHEDULE, UPDATE } from './policies';
import { TASK } from './task';
import type { BlockSchema } from './types';

export const JOB_TYPES: Array<[string, string]> = [
  ['service', 'Long-running; restarted and rescheduled so that `count` allocations keep running.'],
  ['batch', 'Runs to completion; finished allocations are not replaced.'],
  ['system', 'One allocation on every eligible node, kept running.'],
  ['sysbatch', 'One allocation on every eligible node, run to completion.'],
];

export const JOB: BlockSchema = block(
  'A job: what to run, where, and how it is updated. A file holds exactly one.',
  body(
    {
      type: oneOf('The scheduler that handles the job.', JOB_TYPES, { default: '"service"' }),
      region: str('Region the job runs in.', { default: '"global"' }),
      namespace: str('Namespace the job belongs to.', { default: '"default"' }),
      id: str('The job ID; defaults to the block label.'),
      name: str('Display name; defaults to the ID.'),
      priority: int('Scheduling priority; higher jobs are placed first and may preempt lower ones.', { min: 1, max: 100, default: '50' }),
      all_at_once: bool('Place all allocations in one go or not at all.', { default: 'false' }),
      datacenters: strList('Datacenters the job may run in; glob patterns allowed.', { default: '["*"]' }),
      node_pool: str('Node pool the job is restricted to.', { default: '"default"' }),
      vault_token: str('A Vault token sent with the job.', { removed: true, deprecated: 'Removed in Nomad 1.10: tasks get Vault tokens through workload identity; `nomad job validate` refuses this field.' }),
      consul_token: str('A Consul token sent with the job.', { removed: true, deprecated: 'Removed in Nomad 1.10: Consul access goes through workload identity; `nomad job validate` refuses this field.' }),
    },
    {
      group: GROUP,
      task: block('A task written directly in the job becomes a group of its own with the same name.', TASK.body, { labels: TASK.labels, docPath: TASK.docPath }),
      constraint: CONSTRAINT,
      affinity: AFFINITY,
      spread: SPREAD,
      update: UPDATE,
      multiregion: MULTIREGION,
      periodic: PERIODIC,
      parameterized: PARAMETERIZED,
      reschedule: RESCHEDULE,
      migrate: MIGRATE,
      meta: single('Free-form metadata for every task of the job (NOMAD_META_<key>).', STRING_ATTRIBUTES, { alsoAttribute: true, docPath: docPath('meta'), keysDeclare: 'meta' }),
      ui: UI,
      vault: VAULT,
      secret: SECRET,
    },
  ),
  { labels: [{ name: 'id', doc: 'The job ID, unique in its namespace and region.' }], docPath: docPath('job') },
);
