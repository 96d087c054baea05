// How the Runs view words the state of a run and of its tasks: plain text, kept apart from the view so it
// can be tested without VS Code. Records read back from history may lack fields (an older version wrote
// them, or the run was cut short): the words then leave out what is not known rather than print `undefined`.
import type { RunRecord, TaskRecord } from './runHistory';

export function stateText(record: RunRecord): string {
  switch (record.state) {
    case 'starting':
      return 'starting';
    case 'running':
      return 'running';
    case 'failed':
      return 'failed to start';
    case 'stopped':
      return record.exitCode === undefined ? 'stopped' : `stopped (exit ${record.exitCode})`;
    case 'exited':
      return endedText(record.signal, record.exitCode);
  }
}

export function taskStateText(task: TaskRecord): string {
  if (task.state === 'exited') return endedText(task.signal, task.exitCode);
  return task.state === 'failed' ? 'failed to start' : task.state;
}

/** How a run or task ended; either part may be missing from a record read back from history. */
function endedText(signal: string | undefined, exitCode: number | undefined): string {
  if (signal) return exitCode === undefined ? `killed by ${signal}` : `killed by ${signal} (exit ${exitCode})`;
  return exitCode === undefined ? 'ended' : `exited ${exitCode}`;
}
