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
      // A run read back from history may lack its exit code (written by an older version, or cut short).
      if (record.signal) return record.exitCode === undefined ? `killed by ${record.signal}` : `killed by ${record.signal} (exit ${record.exitCode})`;
      return record.exitCode === undefined ? 'ended' : `exited ${record.exitCode}`;
  }
}

export function taskStateText(task: TaskRecord): string {
  if (task.state === 'exited') {
    if (task.signal) return task.exitCode === undefined ? `killed by ${task.signal}` : `killed by ${task.signal} (exit ${task.exitCode})`;
    return task.exitCode === undefined ? 'ended' : `exited ${task.exitCode}`;
  }
  return task.state === 'failed' ? 'failed to start' : task.state;
}
