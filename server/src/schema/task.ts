// The `task` block: one program run by a driver. Its `config` body depends on the driver (drivers.ts).
import { STRING_ATTRIBUTES, block, body, bool, docPath, dur, single, str } from './build';
import { ACTION, CONSUL, CSI_PLUGIN, IDENTITY, SCHEDULE, SECRET, VAULT } from './integrations';
import { AFFINITY, CONSTRAINT } from './placement';
import { RESTART, TASK_SCALING } from './policies';
import { RESOURCES } from './resources';
import { SERVICE } from './service';
import { ARTIFACT, DISPATCH_PAYLOAD, LIFECYCLE, LOGS, TEMPLATE, VOLUME_MOUNT } from './taskFiles';
import type { BlockSchema } from './types';

export const TASK: BlockSchema = block(
  'One program of the group, started by a task driver. All tasks of a group run on the same node.',
  body(
    {
      driver: str('The task driver that runs the program, e.g. `exec` (isolated, chrooted process), `raw_exec`, `docker`.', { required: true, completion: 'driver' }),
      user: str('User the program runs as. For exec an empty user means `nobody`; `root` is refused by a default client.'),
      kill_timeout: dur('Grace period between kill_signal and SIGKILL when the task stops; capped by the client\'s max_kill_timeout.', { default: '"5s"' }),
      kill_signal: str('Signal that asks the program to stop.', { default: '"SIGINT"', completion: 'signal' }),
      leader: bool('When this task exits, stop the other tasks of the group too.', { default: 'false' }),
      shutdown_delay: dur('Time between deregistering the task\'s services and sending kill_signal.', { default: '"0s"' }),
      kind: str('Set by Nomad for tasks it generates (e.g. Connect sidecars); rarely written by hand.'),
    },
    {
      config: single('Settings for the task driver. Their names depend on `driver`.', 'driverConfig', { docPath: 'drivers' }),
      env: single('Environment variables for the program; values may use `${...}` runtime interpolation.', STRING_ATTRIBUTES, { alsoAttribute: true, docPath: docPath('env') }),
      meta: single('Free-form metadata, visible as NOMAD_META_<key>.', STRING_ATTRIBUTES, { alsoAttribute: true, docPath: docPath('meta'), keysDeclare: 'meta' }),
      resources: RESOURCES,
      restart: RESTART,
      logs: LOGS,
      artifact: ARTIFACT,
      template: TEMPLATE,
      lifecycle: LIFECYCLE,
      volume_mount: VOLUME_MOUNT,
      identity: IDENTITY,
      vault: VAULT,
      consul: CONSUL,
      service: SERVICE,
      constraint: CONSTRAINT,
      affinity: AFFINITY,
      dispatch_payload: DISPATCH_PAYLOAD,
      csi_plugin: CSI_PLUGIN,
      scaling: TASK_SCALING,
      secret: SECRET,
      action: ACTION,
      schedule: SCHEDULE,
    },
  ),
  { labels: [{ name: 'name', doc: 'The task\'s name, unique within its group; not `alloc` and without `/`.', declares: 'task' }], docPath: docPath('task') },
);
