// A task's `volume_mount` blocks resolved against its group's `volume` blocks and the host volumes this
// machine offers (a client's `host_volume` blocks in the agent config file, or nomadExec.hostVolumes).
// A job only names a volume; the host path always comes from the developer's machine-level configuration.
// Read-only when the volume, the mount or the host volume says so. Nothing here touches the disk but stat.
import * as fs from 'fs';
import * as path from 'path';
import type { EffectiveSettings } from '../../server/src/settings';
import type { Group } from '../../server/src/model/types';
import { blocksOf, evalAttr, type Body, type Evaluator } from './model';
import type { VolumeMountPlan } from './types';

export function planVolumeMounts(body: Body, group: Group, jobspec: Evaluator, settings: EffectiveSettings, fail: (message: string) => never): VolumeMountPlan[] {
  const mounts: VolumeMountPlan[] = [];
  for (const mount of blocksOf(body, 'volume_mount')) {
    const volumeName = evalAttr(mount.body, 'volume', jobspec);
    const destinationValue = evalAttr(mount.body, 'destination', jobspec);
    if (typeof volumeName !== 'string' || volumeName === '') fail(`volume_mount (line ${mount.range.start.line + 1}) names no volume`);
    if (typeof destinationValue !== 'string' || destinationValue === '') fail(`volume_mount of "${String(volumeName)}" has no destination`);
    const volume = blocksOf(group.block.body, 'volume').find((v) => v.labels[0]?.value === volumeName);
    if (!volume) fail(`volume_mount names volume "${String(volumeName)}", which group "${group.name}" does not declare`);
    const type = evalAttr(volume!.body, 'type', jobspec) ?? 'host';
    if (type !== 'host') fail(`volume "${String(volumeName)}" is of type ${JSON.stringify(type)}; a local run mounts only host volumes`);
    const sourceValue = evalAttr(volume!.body, 'source', jobspec);
    const source = typeof sourceValue === 'string' && sourceValue !== '' ? sourceValue : (volumeName as string);
    const host = settings.hostVolumes[source];
    if (!host) {
      fail(
        `volume "${String(volumeName)}" needs the host volume "${source}", which this machine does not offer: add ` +
          `client { host_volume "${source}" { path = "..." } } to the agent config file, or "${source}" to the nomadExec.hostVolumes setting`,
      );
    }
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(host!.path);
    } catch {
      stat = undefined;
    }
    if (!stat?.isDirectory()) fail(`host volume "${source}" (${host!.origin}) is ${host!.path}, which is not a directory on this machine`);
    const destination = path.posix.normalize('/' + (destinationValue as string));
    // Over the whole root it would hide the task dir itself.
    if (destination === '/') fail(`volume_mount of "${String(volumeName)}" cannot have / as its destination`);
    const readOnly = host!.readOnly || evalAttr(volume!.body, 'read_only', jobspec) === true || evalAttr(mount.body, 'read_only', jobspec) === true;
    mounts.push({ volume: volumeName as string, source, hostPath: host!.path, taskPath: destination, readOnly, origin: host!.origin });
  }
  return mounts;
}
