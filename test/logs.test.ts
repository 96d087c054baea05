// <task>.stdout.N / .stderr.N (shown to the task at /alloc/logs): rotation by max_file_size, retention by max_files, `disabled`,
// bytes kept exactly (not UTF-8, no trailing newline), nothing lost when the task is stopped.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { startRun, type RunResult } from '../launcher/src/api';
import { RotatingLog } from '../launcher/src/logs';
import { Dir } from '../launcher/src/safeFs';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';

const jobs = new JobFiles('nomad-exec-logs-');
const MB = 1024 * 1024;
const skip = skipWithoutLauncher();

/** Runs the job; with `stopAfterBytes`, stops it once that much stdout has streamed. */
async function runJob(task: string, stopAfterBytes?: number): Promise<{ result: RunResult; stdout: Buffer; logsDir: string }> {
  const plan = await jobs.plan(`job "logs" {\n  group "g" {\n${task}\n  }\n}\n`);
  const chunks: Buffer[] = [];
  let streamed = 0;
  let stopping = false;
  const handle = startRun(plan, {
    output: (_t, stream, chunk) => {
      if (stream === 'stdout') chunks.push(chunk);
      streamed += chunk.length;
      if (stopAfterBytes !== undefined && !stopping && streamed >= stopAfterBytes) {
        stopping = true;
        void handle.stop();
      }
    },
  });
  const result = await handle.exited;
  return { result, stdout: Buffer.concat(chunks), logsDir: plan.tasks[0].dirs.logs };
}

test('a task writing 5 MB with max_file_size = 1 and max_files = 3 keeps the last three 1 MB files', skip, async () => {
  const { result, stdout, logsDir } = await runJob(`
    task "big" {
      driver = "exec"
      logs {
        max_files = 3
        max_file_size = 1
      }
      config {
        command = "/bin/sh"
        args = ["-c", "head -c 5242880 /dev/zero | tr '\\\\0' 'x'; echo tail >&2"]
      }
    }`);
  assert.equal(result.exitCode, 0);
  assert.equal(stdout.length, 5 * MB, 'the sink got every byte');
  const files = fs.readdirSync(logsDir).sort();
  assert.deepEqual(files, ['big.stderr.0', 'big.stdout.2', 'big.stdout.3', 'big.stdout.4']);
  for (const f of ['big.stdout.2', 'big.stdout.3', 'big.stdout.4']) assert.equal(fs.statSync(path.join(logsDir, f)).size, MB, f);
  assert.equal(fs.readFileSync(path.join(logsDir, 'big.stderr.0'), 'utf8'), 'tail\n');
  assert.equal(fs.statSync(path.join(logsDir, 'big.stdout.4')).mode & 0o777, 0o644);
  assert.deepEqual(result.logFiles.map((f) => path.basename(f)).sort(), files);
});

test('bytes are kept as they are: not UTF-8, no trailing newline', skip, async () => {
  const { result, stdout, logsDir } = await runJob(`
    task "raw" {
      driver = "exec"
      config {
        command = "/bin/sh"
        args = ["-c", "printf '\\\\377\\\\376caf\\\\303\\\\251\\\\000end'"]
      }
    }`);
  assert.equal(result.exitCode, 0);
  const expected = Buffer.from([0xff, 0xfe, 0x63, 0x61, 0x66, 0xc3, 0xa9, 0x00, 0x65, 0x6e, 0x64]);
  assert.deepEqual(stdout, expected);
  assert.deepEqual(fs.readFileSync(path.join(logsDir, 'raw.stdout.0')), expected);
});

test('nothing is lost when the task is stopped mid-stream', skip, async () => {
  const { result, stdout, logsDir } = await runJob(
    `
    task "chatty" {
      driver = "exec"
      kill_timeout = "100ms"
      config {
        command = "/bin/sh"
        args = ["-c", "i=0; while true; do i=$((i+1)); echo line-$i; done"]
      }
    }`,
    256 * 1024,
  );
  assert.equal(result.stopped, true);
  const logged = fs.readFileSync(path.join(logsDir, 'chatty.stdout.0'));
  assert.ok(logged.length >= 256 * 1024);
  assert.deepEqual(logged, stdout, 'the log file holds exactly what was streamed');
});

test('disabled logs write no files but still stream', skip, async () => {
  const { result, stdout, logsDir } = await runJob(`
    task "quiet" {
      driver = "exec"
      logs { disabled = true }
      config {
        command = "/bin/echo"
        args = ["still streamed"]
      }
    }`);
  assert.equal(result.exitCode, 0);
  assert.equal(stdout.toString(), 'still streamed\n');
  assert.deepEqual(fs.readdirSync(logsDir), []);
});

test('RotatingLog splits a chunk across files at the exact size limit', () => {
  const logsDir = fs.mkdtempSync(path.join(jobs.dir, 'unit-'));
  const log = new RotatingLog(Dir.open(logsDir), 't.stdout', { disabled: false, maxFiles: 2, maxFileSizeMB: 1 });
  log.write(Buffer.alloc(MB - 10, 'a'));
  log.write(Buffer.alloc(30, 'b'));
  log.write(Buffer.alloc(MB, 'c'));
  log.close();
  assert.deepEqual(fs.readdirSync(logsDir).sort(), ['t.stdout.1', 't.stdout.2']);
  assert.equal(fs.statSync(path.join(logsDir, 't.stdout.1')).size, MB);
  assert.equal(fs.statSync(path.join(logsDir, 't.stdout.2')).size, 20);
  const one = fs.readFileSync(path.join(logsDir, 't.stdout.1'));
  assert.equal(one.subarray(0, 20).toString(), 'b'.repeat(20));
});
