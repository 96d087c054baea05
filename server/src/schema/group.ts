// The `group` block: tasks scheduled together onto one node, with their shared network and volumes.
import { STRING_ATTRIBUTES, block, body, bool, docPath, dur, int, single } from './build';
import { CONSUL, SECRET, VAULT } from './integrations';
import { networkBlock } from './network';
import { AFFINITY, CONSTRAINT, SPREAD } from './placement';
import { DISCONNECT, EPHEMERAL_DISK, GROUP_SCALING, MIGRATE, RESCHEDULE, RESTART, UPDATE } from './policies';
import { SERVICE } from './service';
import { TASK } from './task';
import { VOLUME } from './taskFiles';
import type { BlockSchema } from './types';

export const GROUP: BlockSchema = block(
  'A set of tasks that are always placed together on one node; `count` copies of it run.',
  body(
    {
      count: int('How many allocations of this group to run.', { min: 0, default: '1 (or scaling.min)' }),
      shutdown_delay: dur('Time between deregistering the group\'s services and stopping its tasks.', { default: '"0s"' }),
      max_run_duration: dur('Stop the allocation after it has run this long (batch-style timeouts).'),
      stop_after_client_disconnect: dur('Stop allocations on a client that lost contact for this long.', { deprecated: 'Use `disconnect { stop_on_client_after = ... }`.' }),
      max_client_disconnect: dur('How long allocations on a disconnected client stay "unknown" instead of lost.', { deprecated: 'Use `disconnect { lost_after = ... }`.' }),
      prevent_reschedule_on_lost: bool('Do not replace allocations whose node is lost.', { deprecated: 'Use `disconnect { replace = false }`.' }),
    },
    {
      task: TASK,
      constraint: CONSTRAINT,
      affinity: AFFINITY,
      spread: SPREAD,
      volume: VOLUME,
      restart: RESTART,
      disconnect: DISCONNECT,
      reschedule: RESCHEDULE,
      ephemeral_disk: EPHEMERAL_DISK,
      update: UPDATE,
      migrate: MIGRATE,
      network: networkBlock('group'),
      meta: single('Free-form metadata for every task of the group (NOMAD_META_<key>).', STRING_ATTRIBUTES, { alsoAttribute: true, docPath: docPath('meta'), keysDeclare: 'meta' }),
      service: SERVICE,
      scaling: GROUP_SCALING,
      consul: CONSUL,
      vault: VAULT,
      secret: SECRET,
    },
  ),
  { labels: [{ name: 'name', doc: 'The group\'s name, unique within the job.', declares: 'group' }], docPath: docPath('group') },
);
