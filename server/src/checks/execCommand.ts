// Where an exec task's `command` comes from, decided statically (issue 7, part 1). The driver looks, first
// hit wins: `<taskdir>/local/<command>`, `<taskdir>/<command>`, the volume mounts (absolute commands only),
// then for a bare name `usr/local/bin`, `usr/bin`, `bin` of the chroot. The agent's PATH is never used.
import type { Check, CheckContext, Finding } from './check';
import type { Task } from '../model/types';
import type { Evaluator } from '../model/eval';
import type { EffectiveSettings } from '../settings';
import { findAttribute, knownString } from '../schema/runtimeQuery';
import {
  TASK_DIRS,
  chrootFor,
  describeChroot,
  describeMounts,
  mountFor,
  providerFor,
  taskPlaces,
  taskRelative,
  type ChrootEntry,
  type TaskPlaces,
} from './execPlaces';
import { live } from './memo';
import { canLookAtMachine, isRegularFile, lookAhead } from './machine';

const BARE_NAME_DIRS = ['usr/local/bin', 'usr/bin', 'bin'];

export const execCommandCheck: Check = {
  name: 'exec-command',
  run() {
    // Everything is per group: remembered per group by runChecks (groupMemo.ts), except whether the command
    // exists on this machine, which is looked up again on every run (`live`).
  },
  groups: () => (ctx, group) => {
    for (const task of group.tasks) if (task.driverName === 'exec' && task.config) checkCommand(ctx, task);
  },
};

interface Candidate {
  /** Task-relative path the driver tries. */
  path: string;
  step: 'local' | 'root' | 'search';
}

/** The task-relative paths the driver tries for a command, in its order (mounts are handled apart). */
export function commandCandidates(command: string): Candidate[] {
  const relative = taskRelative(command);
  const candidates: Candidate[] = [
    { path: taskRelative('local/' + relative), step: 'local' },
    { path: relative, step: 'root' },
  ];
  if (!command.includes('/')) for (const dir of BARE_NAME_DIRS) candidates.push({ path: `${dir}/${command}`, step: 'search' });
  return candidates;
}

function checkCommand(ctx: CheckContext, task: Task): void {
  const attribute = findAttribute(task.config?.body, 'command');
  if (!attribute) return;
  // A command built from runtime names (or unknown variables) is left alone: its value is not known here.
  const command = knownString(attribute.value, ctx.evaluator);
  if (command === undefined || command.trim() === '') return;
  const places = taskPlaces(task, ctx.settings, ctx.evaluator);
  const candidates = commandCandidates(command);
  const absolute = command.startsWith('/');
  const range = attribute.value.range;

  // Put in place before start by an artifact, template or payload, or found on a mount: fine.
  if (candidates.some((c) => providerFor(places, c.path))) return;
  if (absolute && mountFor(places, taskRelative(command))) return;
  const fromChroot = candidates.filter((c) => chrootFor(places, c.path));
  if (fromChroot.length > 0) {
    // When an unknown destination might shadow it (local/ is tried first), where it comes from is not certain.
    if (!places.unknownPlaces && canLookAtMachine()) live(ctx, locationCheck(command, fromChroot, places, range));
    return;
  }
  // Something not known while editing (a destination from a variable, a dynamic block) may put it there.
  if (places.unknownPlaces) return;

  const relative = taskRelative(command);
  const underTaskDir = TASK_DIRS.some((dir) => relative === dir || relative.startsWith(dir + '/'));
  if (absolute && !underTaskDir) {
    ctx.report({
      range,
      code: 'command-not-in-chroot',
      message: `\`${command}\` is not inside the task's chroot: no chroot_env entry, volume mount, artifact or template provides it, so the task fails to start. Considered ${describeChroot(places)}; ${describeMounts(places)}.`,
    });
    return;
  }
  if (!command.includes('/')) {
    ctx.report({
      range,
      code: 'command-not-in-chroot',
      message: `\`${command}\` is looked up in local/, the task directory, then ${BARE_NAME_DIRS.map((d) => d + '/').join(', ')} of the chroot, but ${describeChroot(places)} provides none of those directories and no artifact or template puts it in place.`,
    });
    return;
  }
  const tried = candidates.map((c) => c.path).join(' and ');
  const shared = relative.startsWith('alloc/') ? ' (another task of the group may write it to the shared alloc dir)' : '';
  ctx.report({
    range,
    code: 'command-not-provided',
    message: `No artifact or template of this task puts a file at ${tried}${shared}; the task fails to start unless something else does (an archive may unpack it there).`,
  });
}

/**
 * reportLocation as a replayable step: the files are looked at again each time (through the stat cache), and
 * the findings for the same outcome (which candidate exists, if any) are reused rather than rebuilt.
 */
function locationCheck(command: string, fromChroot: Candidate[], places: TaskPlaces, range: import('../model/types').Range): (ctx: CheckContext) => void {
  const hostPaths = fromChroot.map((candidate) => chrootFor(places, candidate.path)?.hostPath);
  const byOutcome = new Map<number, Finding[]>();
  return (ctx) => {
    // All at once, off the thread, when none is known yet (machine.ts).
    lookAhead(hostPaths);
    // The same stat calls, in the same order, as reportLocation makes.
    const found = hostPaths.findIndex((hostPath) => hostPath !== undefined && isRegularFile(hostPath));
    let findings = byOutcome.get(found);
    if (!findings) {
      const recorded: Finding[] = [];
      reportLocation({ ...ctx, report: (finding) => recorded.push(finding) }, command, fromChroot, places, range);
      byOutcome.set(found, (findings = recorded));
    }
    for (const finding of findings) ctx.report(finding);
  };
}

/**
 * Says where the command is on this machine only when it is missing: a command found through chroot_env is
 * what a correct job looks like, so it stays quiet here (hover on `command` tells where it was found).
 */
function reportLocation(ctx: CheckContext, command: string, fromChroot: Candidate[], places: TaskPlaces, range: import('../model/types').Range): void {
  const found = findOnMachine(fromChroot, places);
  if (found.at) return;
  const { hostPaths } = found;
  // A relative path with a directory part (`bin/worker`) is meant to be put in place with the task; when
  // nothing does and chroot_env does not resolve it here either, that is the warning, not a location hint.
  if (!command.startsWith('/') && command.includes('/')) {
    ctx.report({
      range,
      code: 'command-not-provided',
      message: `No artifact or template of this task puts a file at ${commandCandidates(command).map((c) => c.path).join(' or ')}, and chroot_env does not provide it on this machine either (looked for ${hostPaths.join(', ')}); the task fails to start unless the client has it there.`,
    });
    return;
  }
  ctx.report({
    range,
    code: 'command-location',
    message: `\`${command}\` is not on this machine (looked for ${hostPaths.join(', ')} through chroot_env); the client must have it or the task fails to start.`,
    data: { hostPaths, exists: false },
  });
}

/** The first chroot candidate that exists on this machine, and every host path looked at. */
function findOnMachine(fromChroot: Candidate[], places: TaskPlaces): { at?: { candidate: Candidate; hostPath: string; entry: ChrootEntry }; hostPaths: string[] } {
  const hostPaths: string[] = [];
  for (const candidate of fromChroot) {
    const mapped = chrootFor(places, candidate.path);
    if (!mapped) continue;
    hostPaths.push(mapped.hostPath);
    if (isRegularFile(mapped.hostPath)) return { at: { candidate, hostPath: mapped.hostPath, entry: mapped.entry }, hostPaths };
  }
  return { hostPaths };
}

/**
 * Where an exec task's command comes from, in Markdown for hover on `command`: put in place by the task, on
 * a volume mount, or through chroot_env, and then whether it exists on this machine. undefined when the
 * command is not known while editing.
 */
export function commandLocationMarkdown(task: Task, settings: EffectiveSettings, evaluator: Evaluator): string | undefined {
  const attribute = findAttribute(task.config?.body, 'command');
  const command = attribute ? knownString(attribute.value, evaluator) : undefined;
  if (command === undefined || command.trim() === '') return undefined;
  const places = taskPlaces(task, settings, evaluator);
  const candidates = commandCandidates(command);
  const title = `**\`${command}\` on this machine**`;
  const provided = candidates.map((c) => ({ c, provider: providerFor(places, c.path) })).find((p) => p.provider);
  if (provided) return `${title}: put in place by the task's ${provided.provider!.kind.replace('_', ' ')} at \`/${provided.provider!.destination}\` before it starts.`;
  if (command.startsWith('/') && mountFor(places, taskRelative(command))) return `${title}: on the volume mount at \`/${mountFor(places, taskRelative(command))}\`.`;
  const fromChroot = candidates.filter((c) => chrootFor(places, c.path));
  const uncertain = places.unknownPlaces ? ' Something not known while editing (a destination from a variable, a dynamic block) may also put it in place.' : '';
  if (fromChroot.length === 0) return `${title}: not in the task's chroot (${describeChroot(places)}).${uncertain}`;
  const { at, hostPaths } = findOnMachine(fromChroot, places);
  if (!at) return `${title}: missing — looked for ${hostPaths.map((p) => `\`${p}\``).join(', ')} through chroot_env; the client must have it or the task fails to start.${uncertain}`;
  const taskPath = '/' + at.candidate.path;
  const host = at.hostPath !== taskPath ? `, from \`${at.hostPath}\` on the host` : '';
  return `${title}: found as \`${taskPath}\` in the chroot${host} (chroot_env ${at.entry.host}, ${places.chrootOrigin}). The client's host may differ.${uncertain}`;
}
