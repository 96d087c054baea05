// What a task asks the scheduler for: CPU, memory, devices, NUMA placement.
import { block, body, docPath, int, oneOf, single, strList } from './build';
import { AFFINITY, CONSTRAINT } from './placement';
import { networkBlock } from './network';
import type { BlockSchema } from './types';

const DEVICE: BlockSchema = block(
  'A device the task needs, such as a GPU, chosen by vendor/type/model.',
  body(
    { count: int('How many instances of the device.', { min: 0, default: '1' }) },
    { constraint: CONSTRAINT, affinity: AFFINITY },
  ),
  {
    labels: [{ name: 'name', doc: '`<type>`, `<vendor>/<type>` or `<vendor>/<type>/<model>`, e.g. `nvidia/gpu`.' }],
    docPath: docPath('device'),
  },
);

const NUMA: BlockSchema = single(
  'Place the task\'s reserved cores (and devices) on one NUMA node (Nomad Enterprise, needs `cores`).',
  body({
    affinity: oneOf('How strictly cores must come from one NUMA node.', [
      ['none', 'Any cores will do.'],
      ['prefer', 'Try one NUMA node; fall back to any.'],
      ['require', 'Only place the task where one NUMA node can provide everything.'],
    ], { default: '"none"' }),
    devices: strList('Devices that must sit on the same NUMA node as the cores.'),
  }),
  { docPath: docPath('numa') },
);

export const RESOURCES: BlockSchema = single(
  'The CPU, memory and devices the scheduler reserves for the task; the client enforces them with cgroups.',
  body(
    {
      cpu: int('CPU in MHz. Sets the task\'s CPU weight relative to other tasks; not a hard cap.', { min: 1, default: '100' }),
      cores: int('Whole CPU cores reserved for this task alone (0 means none). Cannot be used together with `cpu`.', { min: 0 }),
      memory: int('Memory in MB the task is guaranteed; without memory_max it is also the hard limit.', { min: 10, default: '300' }),
      memory_max: int('Hard memory limit in MB when the client allows oversubscription; 0 means unset, -1 unlimited.', { min: -1 }),
      disk: int('Disk in MB.', { deprecated: 'Set the size in the group `ephemeral_disk` block instead.', min: 0 }),
      secrets: int('Size in MB of the task\'s secrets directory (tmpfs).', { min: 0 }),
      iops: int('Disk I/O operations per second.', { deprecated: 'Nomad ignores iops.', ignored: true, min: 0 }),
    },
    { device: DEVICE, numa: NUMA, network: networkBlock('resources') },
    { exclusive: [['cpu', 'cores']] },
  ),
  { docPath: docPath('resources') },
);
