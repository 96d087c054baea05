// Lifecycle policies of jobs and groups: update, migrate, restart, reschedule, disconnect, periodic,
// parameterized, multiregion, ephemeral_disk, scaling.
import {
  FREE_FORM, STRING_ATTRIBUTES, block, body, bool, docPath, dur, int, oneOf, single, str, strList,
} from './build';
import type { BlockSchema } from './types';

const HEALTH_CHECK: Array<[string, string]> = [
  ['checks', 'Healthy once every task runs and all its service checks pass.'],
  ['task_states', 'Healthy once every task runs (or finished successfully, for prestart tasks); checks are ignored.'],
  ['manual', 'Nomad never decides; an operator or tool sets health through the API.'],
];

export const UPDATE: BlockSchema = single(
  'How a new version of the job replaces running allocations: rolling updates, canaries and automatic revert.',
  body({
    max_parallel: int('How many allocations are replaced at once; 0 turns rolling updates off (all at once).', { min: 0, default: '1' }),
    health_check: oneOf('What makes an updated allocation healthy.', HEALTH_CHECK, { default: '"checks"' }),
    min_healthy_time: dur('How long an allocation must stay healthy before it counts.', { default: '"10s"' }),
    healthy_deadline: dur('How long an allocation may take to become healthy before it is marked unhealthy.', { default: '"5m"' }),
    progress_deadline: dur('How long the deployment may go without a newly healthy allocation before it fails; 0 disables.', { default: '"10m"' }),
    canary: int('How many extra canary allocations to start with the new version before replacing the old ones.', { min: 0, default: '0' }),
    auto_revert: bool('Roll back to the last stable version when the deployment fails.', { default: 'false' }),
    auto_promote: bool('Promote canaries automatically once they are all healthy.', { default: 'false' }),
    stagger: dur('Delay between migrations of allocations (kept for older jobs; rolling updates use the other fields).', { default: '"30s"' }),
  }),
  { docPath: docPath('update') },
);

export const MIGRATE: BlockSchema = single(
  'How allocations move off a node being drained.',
  body({
    max_parallel: int('How many allocations of the group migrate at once.', { min: 0, default: '1' }),
    health_check: oneOf('What makes a migrated allocation healthy.', HEALTH_CHECK.slice(0, 2), { default: '"checks"' }),
    min_healthy_time: dur('How long a migrated allocation must stay healthy.', { default: '"10s"' }),
    healthy_deadline: dur('How long a migrated allocation may take to become healthy.', { default: '"5m"' }),
  }),
  { docPath: docPath('migrate') },
);

export const RESTART: BlockSchema = single(
  'How the client restarts a failed task in place, on the same node, before giving up.',
  body({
    attempts: int('Restarts allowed within one interval.', { min: 0, default: '2 (service), 3 (batch)' }),
    interval: dur('The window in which attempts are counted.', { default: '"30m" (service), "24h" (batch)' }),
    delay: dur('Wait before each restart.', { default: '"15s"' }),
    mode: oneOf('What happens when the attempts are used up.', [
      ['fail', 'The task fails; the allocation may then be rescheduled elsewhere.'],
      ['delay', 'Wait until the interval is over, then start counting attempts again.'],
    ], { default: '"fail"' }),
    render_templates: bool('Render templates again before each restart.', { default: 'false' }),
  }),
  { docPath: docPath('restart') },
);

export const RESCHEDULE: BlockSchema = single(
  'How the scheduler replaces a failed allocation on another node. Not available for system and sysbatch jobs.',
  body({
    attempts: int('Reschedules allowed within the interval.', { min: 0 }),
    interval: dur('The window in which attempts are counted.'),
    delay: dur('Wait before the first reschedule.', { default: '"30s" (service), "5s" (batch)' }),
    delay_function: oneOf('How the delay grows between reschedules.', [
      ['constant', 'Always the same delay.'],
      ['exponential', 'The delay doubles each time, up to max_delay.'],
      ['fibonacci', 'The delay follows the Fibonacci sequence, up to max_delay.'],
    ], { default: '"exponential" (service), "constant" (batch)' }),
    max_delay: dur('Upper bound of the delay.', { default: '"1h"' }),
    unlimited: bool('Keep rescheduling forever (attempts and interval are then ignored).', { default: 'true (service), false (batch)' }),
  }),
  { docPath: docPath('reschedule') },
);

export const DISCONNECT: BlockSchema = single(
  'What happens to allocations whose node loses contact with the servers.',
  body({
    lost_after: dur('How long a silent node counts as disconnected rather than lost.'),
    stop_on_client_after: dur('How long the client keeps running the allocation without contact before stopping it.'),
    replace: bool('Start a replacement elsewhere while the original is disconnected.', { default: 'true' }),
    reconcile: oneOf('Which allocation survives when the node comes back.', [
      ['best_score', 'The one on the node that scores best.'],
      ['longest_running', 'The one that has run longest without interruption.'],
      ['keep_original', 'The original allocation.'],
      ['keep_replacement', 'The replacement.'],
    ], { default: '"best_score"' }),
  }),
  { docPath: docPath('disconnect') },
);

export const PERIODIC: BlockSchema = single(
  'Run the job on a cron schedule; each run is a child job.',
  body({
    cron: str('One cron expression.', { deprecated: 'Use `crons`, which takes a list.' }),
    crons: strList('Cron expressions; the job runs at the earliest next time of any of them.'),
    spec_type: oneOf('How the schedule is written; only cron exists.', [['cron', 'A cron expression.']]),
    prohibit_overlap: bool('Skip a run while the previous one is still running.', { default: 'false' }),
    time_zone: str('IANA time zone the cron expressions are read in.', { default: '"UTC"' }),
    enabled: bool('Turn the schedule off without deleting it.', { default: 'true' }),
  }),
  { docPath: docPath('periodic') },
);

export const PARAMETERIZED: BlockSchema = single(
  'Make the job a template that runs only when dispatched, with a payload and metadata.',
  body({
    payload: oneOf('Whether a dispatch must, may or must not carry a payload.', [
      ['optional', 'A payload may be given.'],
      ['required', 'Every dispatch must give a payload.'],
      ['forbidden', 'A dispatch must not give a payload.'],
    ], { default: '"optional"' }),
    meta_required: strList('Metadata keys every dispatch must set.'),
    meta_optional: strList('Metadata keys a dispatch may set.'),
  }),
  { docPath: docPath('parameterized') },
);

export const MULTIREGION: BlockSchema = single(
  'Deploy the job to several regions in order (Nomad Enterprise).',
  body(
    {},
    {
      strategy: single(
        'How the regions are rolled out.',
        body({
          max_parallel: int('How many regions deploy at once.', { min: 0 }),
          on_failure: oneOf('What the other regions do when one fails.', [
            ['', 'Default: regions that have not started wait; others finish.'],
            ['fail_all', 'Fail the deployment in every region.'],
            ['fail_local', 'Fail only the failing region; the rest go on.'],
          ]),
        }),
      ),
      region: block(
        'One region the job is deployed to, in the order written.',
        body(
          {
            count: int('Overrides every group count in this region.', { min: 0 }),
            datacenters: strList('Datacenters in this region.'),
            node_pool: str('Node pool in this region.'),
          },
          { meta: single('Metadata for this region.', STRING_ATTRIBUTES, { alsoAttribute: true }) },
        ),
        { labels: [{ name: 'name', doc: 'The region name.' }] },
      ),
    },
  ),
  { docPath: docPath('multiregion') },
);

export const EPHEMERAL_DISK: BlockSchema = single(
  'The allocation\'s scratch disk (the alloc and task directories).',
  body({
    size: int('Disk space in MB the scheduler reserves; logs must fit below it.', { min: 0, default: '300' }),
    sticky: bool('Prefer the same node when the allocation is replaced, and keep the data.', { default: 'false' }),
    migrate: bool('Copy the data to the new node when the allocation moves (implies sticky).', { default: 'false' }),
  }),
  { docPath: docPath('ephemeral_disk') },
);

export const GROUP_SCALING: BlockSchema = single(
  'Bounds and policy for scaling the group\'s count (by the autoscaler or the API).',
  body(
    {
      min: int('Smallest count allowed.', { min: 0 }),
      max: int('Largest count allowed.', { min: 0, required: true }),
      enabled: bool('Whether the autoscaler acts on this policy.', { default: 'true' }),
      type: str('Policy type; set by Nomad for group counts.', { default: '"horizontal"' }),
    },
    { policy: single('The autoscaler\'s policy; Nomad stores it without reading it.', FREE_FORM) },
  ),
  { docPath: docPath('scaling') },
);

export const TASK_SCALING: BlockSchema = block(
  'Vertical scaling of a task\'s cpu or memory by the autoscaler (Nomad Enterprise).',
  body(
    {
      min: int('Smallest value allowed.', { min: 0 }),
      max: int('Largest value allowed.', { min: 0 }),
      enabled: bool('Whether the autoscaler acts on this policy.', { default: 'true' }),
    },
    { policy: single('The autoscaler\'s policy; Nomad stores it without reading it.', FREE_FORM) },
  ),
  {
    labels: [{ name: 'target', doc: '`cpu` or `mem`.' }],
    docPath: docPath('scaling'),
  },
);
