// The Runs view's history across a window reload (client/src/run/runHistory.ts): what the workspace state
// keeps, how a run that was live when the window went away comes back, and the bound on its length.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RunHistory, type RunRecord } from '../client/src/run/runHistory';

/** The workspace state as VS Code gives it to an extension: a key-value store of JSON data. */
class StoredState {
  private readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? fallback : (JSON.parse(text) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    // Stored as JSON, as VS Code does: nothing but plain data survives.
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

function record(n: number, state: RunRecord['state']): RunRecord {
  return {
    key: `old-${n}`,
    label: `job/g/t${n}`,
    target: { file: '/jobs/job.nomad.hcl', group: 'g', task: `t${n}` },
    groupRun: false,
    state,
    exitCode: state === 'exited' ? 0 : undefined,
    startedAt: 1_700_000_000_000 + n,
    endedAt: state === 'exited' ? 1_700_000_001_000 + n : undefined,
    allocDir: `/storage/allocs/${n}`,
    tasks: [{ name: `t${n}`, hook: 'main', sidecar: false, state: state === 'exited' ? 'exited' : 'running', exitCode: state === 'exited' ? 0 : undefined }],
  };
}

test('runs stored by an earlier window come back as history; one that was running is shown stopped, its tasks ended', () => {
  const state = new StoredState();
  void state.update('nomadExec.runs.history', { version: 1, runs: [record(2, 'running'), record(1, 'exited')] });
  const history = new RunHistory(state as never);
  const records = history.all().map((e) => e.record());
  assert.deepEqual(records.map((r) => r.key), ['old-2', 'old-1']);
  assert.ok(history.all().every((e) => e.session === undefined), 'history has no processes to stop');
  assert.equal(records[0].state, 'stopped');
  assert.match(records[0].message ?? '', /window closed or reloaded/);
  assert.equal(records[0].tasks[0].state, 'exited');
  assert.deepEqual(records[1], record(1, 'exited'), 'a finished run is kept as it was');
  // The target survives: Rerun runs the same task again.
  assert.deepEqual(records[1].target, { file: '/jobs/job.nomad.hcl', group: 'g', task: 't1' });
});

test('the history is bounded, and entries that are not runs (an older format, hand edits) are dropped', () => {
  const state = new StoredState();
  const many = Array.from({ length: 60 }, (_, i) => record(i, 'exited'));
  void state.update('nomadExec.runs.history', { version: 1, runs: [{ key: 3 }, null, 'x', ...many] });
  const history = new RunHistory(state as never, 50);
  assert.equal(history.all().length, 50);
  assert.equal(history.all()[0].key, 'old-0');
  void state.update('nomadExec.runs.history', { version: 99, runs: many });
  assert.equal(new RunHistory(state as never).all().length, 0, 'an unknown format is not guessed at');
});

test('clearing forgets finished runs and saves that', () => {
  const state = new StoredState();
  void state.update('nomadExec.runs.history', { version: 1, runs: [record(3, 'exited'), record(2, 'exited'), record(1, 'exited')] });
  const history = new RunHistory(state as never);
  history.clear('old-2');
  assert.deepEqual(history.all().map((e) => e.key), ['old-3', 'old-1']);
  assert.deepEqual(new RunHistory(state as never).all().map((e) => e.key), ['old-3', 'old-1'], 'saved for the next window');
  history.clear();
  assert.deepEqual(new RunHistory(state as never).all(), []);
});

test('the Runs view words every state, and never prints "undefined" for a record read back without its exit code', async () => {
  const { stateText, taskStateText } = await import('../client/src/run/runStateText');
  const run = (fields: Partial<RunRecord>): RunRecord => ({ ...(fields as RunRecord) });
  assert.equal(stateText(run({ state: 'exited', exitCode: 0 })), 'exited 0');
  assert.equal(stateText(run({ state: 'exited', exitCode: 137, signal: 'SIGKILL' })), 'killed by SIGKILL (exit 137)');
  assert.equal(stateText(run({ state: 'exited' })), 'ended');
  assert.equal(stateText(run({ state: 'exited', signal: 'SIGTERM' })), 'killed by SIGTERM');
  assert.equal(stateText(run({ state: 'stopped' })), 'stopped');
  assert.equal(stateText(run({ state: 'stopped', exitCode: 130 })), 'stopped (exit 130)');
  type Task = Parameters<typeof taskStateText>[0];
  assert.equal(taskStateText({ state: 'exited', signal: 'SIGKILL' } as Task), 'killed by SIGKILL');
  assert.equal(taskStateText({ state: 'exited', exitCode: 2 } as Task), 'exited 2');
  assert.equal(taskStateText({ state: 'failed' } as Task), 'failed to start');
  for (const state of ['starting', 'running', 'failed', 'stopped', 'exited'] as const) assert.doesNotMatch(stateText(run({ state })), /undefined/);
});
