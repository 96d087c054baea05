// The run terminal's words and layout, as a user reads them: the header fitted to the terminal's width (never
// a word cut in two), capabilities folded against Nomad's defaults, short paths, the one-line run summary, the
// line that ends a run (a requested stop is neutral and says what it took; a task dying on its own is red), and
// a run that cannot start pointing at its place in the job file.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { LaunchPlan, RunResult, StopReport, TaskPlan, TaskResult } from '../launcher/src/api';
import { runEnding, spokenDuration, stopTook, stoppingText } from '../launcher/src/outcomeText';
import { DEFAULT_ALLOW_CAPS } from '../server/src/schema/capabilities';
import { stripAnsi } from '../client/src/run/ansi';
import { FULL_LIST_HINT, foldCapabilities, header, runSummaryLine, shortPath, summary } from '../client/src/run/format';
import { breakWord, layoutRows, type Row } from '../client/src/run/headerLayout';
import { problemLines } from '../client/src/run/problemText';

const home = '/home/dev';
const workspace = '/home/dev/src/shop';

function task(over: Partial<TaskPlan> = {}): TaskPlan {
  return {
    name: 'web',
    driver: 'exec',
    lifecycle: { hook: 'main', sidecar: false },
    leader: false,
    taskDir: `${workspace}/.nomad-exec/allocs/1234/web`,
    dirs: { alloc: '/a', local: '/l', secrets: '/s' },
    chrootBinds: [],
    chrootOrigin: 'default',
    volumeMounts: [],
    env: {},
    command: '/bin/sh',
    args: ['-c', 'echo "serving the shop front on port $NOMAD_PORT_http with a rather long command line"; exec sleep 3600'],
    lookup: { state: 'found', taskPath: '/bin/sh', hostPath: '/bin/sh' },
    workDir: '/',
    user: 'nobody',
    capabilities: [...DEFAULT_ALLOW_CAPS],
    pidMode: 'private',
    ipcMode: 'private',
    noPivotRoot: false,
    killSignal: 'SIGINT',
    killTimeoutMs: 5000,
    resources: { cpu: 100, memoryMB: 300, memoryMaxMB: 0 },
    logs: { disabled: false, maxFiles: 10, maxFileSizeMB: 10 },
    artifacts: [],
    templates: [],
    ...over,
  } as TaskPlan;
}

function plan(tasks: TaskPlan[], over: Partial<LaunchPlan> = {}): LaunchPlan {
  return {
    version: 1,
    jobFile: `${workspace}/jobs/web.nomad.hcl`,
    jobId: 'shop',
    jobName: 'shop',
    group: 'front',
    tasks,
    allocId: '1234',
    allocDir: `${home}/.local/state/nomad-exec/allocs/6f1c2b0e-5d0c-4d9a-9c59-2f0d3a1e8b7c-with-a-long-tail`,
    allocRoot: undefined,
    keepAllocs: 5,
    sharedDir: '/a',
    ports: [],
    skipped: [],
    notices: [],
    ...over,
  } as LaunchPlan;
}

const visible = (line: string): number => [...stripAnsi(line)].length;

/** Every whitespace-separated word of `text`, whole, in order, in the laid-out lines. */
function wordsKept(lines: string[], text: string, label: string): void {
  const laid = lines.map((l) => stripAnsi(l).trim()).join(' ');
  for (const word of text.split(/\s+/).filter(Boolean)) assert.ok(laid.includes(word), `${label}: "${word}" is cut or lost in:\n${lines.map(stripAnsi).join('\n')}`);
}

test('the header fits every width from 20 to 200 columns without cutting a word', () => {
  const caps = [...DEFAULT_ALLOW_CAPS, 'net_raw', 'sys_time'].sort();
  const p = plan([task({ capabilities: caps })], {
    notices: ['task "web": its services are not registered in a local run'],
    ports: [{ label: 'http', ip: '127.0.0.1', value: 23456, static: false } as never, { label: 'metrics', ip: '127.0.0.1', value: 23457, static: false } as never],
  });
  for (let width = 20; width <= 200; width += 3) {
    const lines = header(p, 'shop/front/web', { width, workspace, home });
    for (const line of lines) assert.ok(visible(line) <= width, `width ${width}: "${stripAnsi(line)}" is ${visible(line)} wide`);
    const text = lines.map(stripAnsi).join('\n');
    wordsKept(lines, 'Nomad exec: running shop/front/web locally', `width ${width}`);
    wordsKept(lines, commandWords(p.tasks[0]), `width ${width}`);
    wordsKept(lines, 'SIGINT, then SIGKILL after 5 s', `width ${width}`);
    wordsKept(lines, '13 default capabilities (+net_raw, +sys_time)', `width ${width}`);
    if (width >= 15 + '13 default capabilities (+net_raw, +sys_time)'.length) assert.match(text, /13 default capabilities \(\+net_raw, \+sys_time\)/, `width ${width}: kept on one line`);
  }
});

function commandWords(t: TaskPlan): string {
  return ['/bin/sh', ...t.args].join(' ').replace(/["']/g, ' ');
}

test('at a normal width the value column holds and continuation lines line up under it', () => {
  const lines = header(plan([task()]), 'shop/front/web', { width: 60, workspace, home }).map(stripAnsi);
  const command = lines.findIndex((l) => l.startsWith('  command'));
  assert.ok(command > 0);
  assert.equal(lines[command].indexOf('/bin/sh'), 15);
  assert.match(lines[command + 1], /^ {15}\S/, 'the next line of the command starts under its value');
});

test('a narrow terminal puts the label above its value', () => {
  const lines = header(plan([task()]), 'shop/front/web', { width: 30, workspace, home }).map(stripAnsi);
  const command = lines.indexOf('  command');
  assert.ok(command > 0, lines.join('\n'));
  assert.match(lines[command + 1], /^ {4}\/bin\/sh/);
});

test('a path longer than a line breaks after a slash, never inside a name', () => {
  const path = '/very/long/path/made/of/many/folders/each/with/a/name/and/then/some/more/of/them/job.nomad.hcl';
  for (const width of [20, 31, 44, 57]) {
    const lines = layoutRows([{ label: 'job file', items: [{ text: path }] }], width).map(stripAnsi);
    for (const line of lines) assert.ok(line.length <= width, `${width}: ${line}`);
    assert.equal(lines.map((l) => l.replace(/^\s*job file\s*/, '').trim()).join(''), path, 'the pieces put back together are the path');
    for (const line of lines.slice(0, -1).filter((l) => l.trim() !== 'job file')) assert.ok(line.endsWith('/'), `"${line}" ends at a folder boundary`);
  }
  assert.deepEqual(breakWord('6f1c2b0e-5d0c-4d9a', 12), ['6f1c2b0e-', '5d0c-4d9a'], 'a UUID breaks after a dash');
  assert.deepEqual(breakWord('abcdefghij', 4), ['abcd', 'efgh', 'ij'], 'no place to break: cut only because nothing else fits');
});

test('a long list wraps between its items, each line ending with the separator', () => {
  const items = ['audit_write', 'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'mknod', 'net_bind_service', 'setfcap', 'setgid'];
  const row: Row = { label: 'capabilities', items: items.map((text) => ({ text })) };
  for (const width of [39, 40, 52, 80]) {
    const lines = layoutRows([row], width).map(stripAnsi);
    const values = lines.map((l) => l.slice(15).trim()).join(' ').split(/,? /);
    assert.deepEqual(values, items, `width ${width}`);
    for (const line of lines.slice(0, -1)) assert.ok(line.endsWith(','), `${width}: "${line}" breaks between items`);
  }
});

test('an item kept whole moves to the next line instead of splitting, when it fits there', () => {
  const row: Row = { label: 'capabilities', items: [{ text: '13 default capabilities (+net_raw)', whole: true }, { text: FULL_LIST_HINT, whole: true }], separator: ' ' };
  const lines = layoutRows([row], 55).map(stripAnsi);
  assert.deepEqual(lines, ['  capabilities 13 default capabilities (+net_raw)', `               ${FULL_LIST_HINT}`]);
});

test('capabilities are folded against Nomad\'s default set', () => {
  assert.equal(foldCapabilities(DEFAULT_ALLOW_CAPS, 'nobody'), '13 default capabilities');
  assert.equal(foldCapabilities([...DEFAULT_ALLOW_CAPS, 'net_raw'].sort(), 'nobody'), '13 default capabilities (+net_raw)');
  assert.equal(foldCapabilities(DEFAULT_ALLOW_CAPS.filter((c) => c !== 'kill'), 'nobody'), '13 default capabilities (-kill)');
  assert.equal(foldCapabilities([...DEFAULT_ALLOW_CAPS.filter((c) => c !== 'chown'), 'net_raw'].sort(), 'nobody'), '13 default capabilities (+net_raw, -chown)');
  assert.equal(foldCapabilities(['chown', 'kill'], 'nobody'), 'chown, kill');
  assert.equal(foldCapabilities([], 'nobody'), 'none');
  assert.equal(foldCapabilities(['chown', 'kill', 'net_raw', 'sys_admin', 'sys_time'], 'nobody'), '5 capabilities (+net_raw, +sys_admin, ...)');
  const header60 = header(plan([task({ capabilities: [...DEFAULT_ALLOW_CAPS, 'net_raw'].sort() })]), 'l', { width: 100 }).map(stripAnsi);
  assert.ok(header60.some((l) => l.includes(`13 default capabilities (+net_raw) ${FULL_LIST_HINT}`)), header60.join('\n'));
  assert.ok(!header60.some((l) => l.includes('audit_write')), 'the full list is not in the header');
});

test('paths are shown relative to the workspace folder, ~ for home, else as they are', () => {
  assert.equal(shortPath(`${workspace}/jobs/web.nomad.hcl`, { workspace, home }), 'jobs/web.nomad.hcl');
  assert.equal(shortPath(`${home}/.local/state/x`, { workspace, home }), '~/.local/state/x');
  assert.equal(shortPath('/tmp/alloc', { workspace, home }), '/tmp/alloc');
  assert.equal(shortPath(`${workspace}-other/x`, { workspace, home }), '~/src/shop-other/x', 'a sibling folder with the same prefix is not inside');
  assert.equal(shortPath(workspace, { workspace, home }), '.');
  const text = header(plan([task()]), 'l', { width: 120, workspace, home }).map(stripAnsi).join('\n');
  assert.match(text, /job file {5}jobs\/web\.nomad\.hcl/);
  assert.match(text, /alloc dir {4}~\/\.local\/state\/nomad-exec\/allocs\//);
});

test('the one-line summary names the run, its driver and its isolation, and fits the width', () => {
  const line = stripAnsi(runSummaryLine(plan([task()]), 'shop/front/web', 80));
  assert.match(line, /shop\/front\/web · exec · (rootless|root)$/);
  const group = stripAnsi(runSummaryLine(plan([task(), task({ name: 'db', driver: 'raw_exec' })]), 'shop/front', 80));
  assert.match(group, /shop\/front · 2 tasks \(exec, raw_exec\) · /);
  const narrow = stripAnsi(runSummaryLine(plan([task()]), 'shop/front/web', 24));
  assert.ok(narrow.length <= 24 && narrow.endsWith('…'), narrow);
});

const stopOf = (over: Partial<StopReport> = {}): StopReport => ({ signal: 'SIGINT', killTimeoutMs: 5000, endedAfterMs: 40, ...over });
function result(tasks: Partial<TaskResult>[], over: Partial<RunResult> = {}): RunResult {
  const full = tasks.map((t) => ({ task: 'web', exitCode: 0, durationMs: 2000, logFiles: [], oomKilled: false, ...t })) as TaskResult[];
  return { exitCode: full[0]?.exitCode ?? 0, durationMs: 12_300, logFiles: [], oomKilled: false, tasks: full, stopped: false, ...over };
}

test('a requested stop ends with one neutral line saying what it took, with the exit code', () => {
  const escalated = result([{ exitCode: 137, signal: 'SIGKILL', stop: stopOf({ escalatedAfterMs: 5003, endedAfterMs: 5010 }) }], { signal: 'SIGKILL', stopped: true });
  assert.deepEqual(runEnding(escalated), { kind: 'stopped', text: 'Stopped by you (SIGINT, then SIGKILL after 5 s), exit code 137, after 12.3 s' });
  const lines = summary(escalated, 80);
  const last = lines.find((l) => stripAnsi(l).startsWith('Stopped by you'))!;
  assert.ok(!last.includes('\x1b[31m') && !last.includes('\x1b[32m') && !last.includes('\x1b[33m'), `neutral, not red/green/yellow: ${JSON.stringify(last)}`);
  assert.ok(!lines.some((l) => stripAnsi(l).includes('killed by')), 'no "killed by" line for a stop');

  const gentle = result([{ exitCode: 130, signal: 'SIGINT', stop: stopOf({ killTimeoutMs: 2000 }) }], { signal: 'SIGINT', stopped: true });
  assert.equal(runEnding(gentle).text, 'Stopped by you (SIGINT, ended within its 2 s kill_timeout), exit code 130, after 12.3 s');
  const term = result([{ exitCode: 143, stop: stopOf({ signal: 'SIGTERM', killTimeoutMs: 30_000 }) }], { stopped: true });
  assert.match(runEnding(term).text, /^Stopped by you \(SIGTERM, ended within its 30 s kill_timeout\), exit code 143/);
  const atOnce = result([{ exitCode: 137, stop: stopOf({ signal: 'SIGKILL', killTimeoutMs: 0 }) }], { stopped: true });
  assert.match(runEnding(atOnce).text, /^Stopped by you \(SIGKILL at once: kill_timeout is 0\)/);
});

test('a group stopped by you names each task when their stops differ', () => {
  const r = result(
    [
      { task: 'web', exitCode: 137, stop: stopOf({ escalatedAfterMs: 5000 }) },
      { task: 'db', exitCode: 0, stop: stopOf({ signal: 'SIGTERM' }) },
    ],
    { exitCode: 137, stopped: true },
  );
  assert.equal(runEnding(r).text, 'Stopped by you (web: SIGINT, then SIGKILL after 5 s; db: SIGTERM, ended within its 5 s kill_timeout), exit code 137, after 12.3 s');
  const text = summary(r, 120).map(stripAnsi).join('\n');
  assert.match(text, /web: stopped \(SIGINT, then SIGKILL after 5 s\), exit code 137 after 2 s/);
});

test('a task that dies on its own keeps the red line, also when a stop came too late to matter', () => {
  const died = result([{ exitCode: 3 }]);
  assert.deepEqual(runEnding(died), { kind: 'failure', text: 'Run exited with code 3 after 12.3 s' });
  const last = summary(died, 80).find((l) => stripAnsi(l).startsWith('Run exited'))!;
  assert.ok(last.includes('\x1b[31m'), 'red');
  const crashed = result([{ exitCode: 139, signal: 'SIGSEGV' }], { signal: 'SIGSEGV' });
  assert.equal(runEnding(crashed).text, 'Run killed by SIGSEGV (exit code 139) after 12.3 s');
  // The stop arrived after the task had already ended with 3: that end is what is told.
  const late = result([{ exitCode: 3 }], { stopped: true });
  assert.equal(runEnding(late).kind, 'failure');
  const ok = result([{ exitCode: 0 }]);
  assert.equal(runEnding(ok).kind, 'success');
});

test('a stop before any task started says so, without a failure line', () => {
  const r = result([{ exitCode: 1, failure: { step: 'launch', message: 'not started: the run was stopped' } }], { exitCode: 1, stopped: true });
  assert.deepEqual(runEnding(r), { kind: 'stopped', text: 'Stopped by you before any task started, exit code 1' });
  assert.ok(!summary(r).some((l) => stripAnsi(l).includes('failed')));
});

test('the stop is announced once, in the task\'s own terms', () => {
  assert.equal(stoppingText(plan([task()])), 'Stopping: SIGINT, then SIGKILL after 5 s if still running');
  assert.equal(stoppingText(plan([task({ killTimeoutMs: 0 })])), 'Stopping: SIGKILL');
  assert.equal(stopTook(stopOf({ signal: 'SIGKILL', killTimeoutMs: 5000 })), 'SIGKILL, its kill_signal');
  assert.deepEqual([spokenDuration(300), spokenDuration(5003), spokenDuration(1500), spokenDuration(125_000)], ['300 ms', '5 s', '1.5 s', '2 min 5 s']);
});

test('a run that cannot start shows its reason, its place as file:line:col, and the fix', () => {
  const at = { file: '/w/jobs/web.nomad.hcl', range: { start: { line: 13, character: 19 }, end: { line: 13, character: 27 } } };
  const problem = { message: 'task "web": unknown capability net_rw', at, code: 'unknown-capability', hint: 'did you mean "net_raw"?' };
  const withHint = problemLines(problem);
  assert.equal(withHint.place, '/w/jobs/web.nomad.hcl:14:20');
  assert.deepEqual(withHint.lines.map(stripAnsi), ['Cannot start: task "web": unknown capability net_rw', '  at /w/jobs/web.nomad.hcl:14:20', '  hint: did you mean "net_raw"?']);
  assert.ok(withHint.lines[0].includes('\x1b[31m'), 'the reason is red');
  const withFix = problemLines(problem, ['Change to "net_raw"']);
  assert.match(stripAnsi(withFix.lines[2]), /^ {2}quick fix: Change to "net_raw"/);
  const nowhere = problemLines({ message: 'variables without a value: a\nand b' });
  assert.equal(nowhere.place, undefined);
  assert.deepEqual(nowhere.lines.map(stripAnsi), ['Cannot start: variables without a value: a', '  and b']);
});

test('a task that fails as it starts shows where its failing part is written, as file:line:col', () => {
  const at = { start: { line: 4, character: 18 }, end: { line: 4, character: 30 } };
  const r = result([{ exitCode: 1, failure: { step: 'lookup', message: 'command local/tool is not in the task dir', at } }], { exitCode: 1 });
  const text = summary(r, 100, '/w/job.nomad.hcl').map(stripAnsi);
  assert.ok(text.includes('  at /w/job.nomad.hcl:5:19'), text.join('\n'));
  assert.equal(runEnding(r).kind, 'failure');
});

test('a group header keeps each task heading indented under the run title', () => {
  const lines = header(plan([task(), task({ name: 'db', lifecycle: { hook: 'prestart', sidecar: true } })]), 'shop/front', { width: 70 }).map(stripAnsi);
  assert.ok(lines.includes('  task web (main)'), lines.join('\n'));
  assert.ok(lines.includes('  task db (prestart, sidecar)'), lines.join('\n'));
});

test('a run terminal keeps its header and its latest output, bounded, and says how much it let go of', async () => {
  const { Transcript } = await import('../client/src/run/transcript');
  const transcript = new Transcript<{ later: true }>({ keep: 1000, headPieces: 2 });
  transcript.push('HEADER\r\n');
  transcript.push({ later: true });
  // A task printing far more than is kept: 100 lines of 100 characters.
  for (let i = 0; i < 100; i++) transcript.push(`${String(i).padStart(3, '0')}${'x'.repeat(96)}\r\n`);
  const pieces = transcript.read();
  assert.equal(pieces[0], 'HEADER\r\n');
  assert.deepEqual(pieces[1], { later: true });
  assert.match(String(pieces[2]), /^\[\d+ characters of output not kept here: the task's log files have all of it\]/);
  const kept = pieces.slice(3).join('');
  assert.ok(kept.length <= 1000, `${kept.length} characters kept`);
  assert.ok(kept.endsWith(`099${'x'.repeat(96)}\r\n`), 'the latest line is kept');
  assert.equal(transcript.dropped + kept.length + 'HEADER\r\n'.length, 'HEADER\r\n'.length + 100 * 101, 'every character is either kept or counted');
  // The harmless twin: a short run keeps everything, with no note.
  const short = new Transcript<never>({ keep: 1000, headPieces: 2 });
  for (const line of ['a\r\n', 'b\r\n']) short.push(line);
  assert.deepEqual(short.read(), ['a\r\n', 'b\r\n']);
});
