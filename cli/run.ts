// `nomad-exec run FILE [--group G] [--task T] [--var k=v]... [--var-file F]... [--alloc-dir D] [--plan]`
// Runs an exec task (or a group's exec and raw_exec tasks) locally as a Nomad client would. Output streams as it comes;
// the exit status is the task's (128+N for signal N); Ctrl+C stops the task with its kill signal, then
// SIGKILL after its kill timeout. `--plan` prints the launch plan as JSON and runs nothing.
import * as path from 'path';
import type { LaunchPlan, RunRequest } from '../launcher/src/api';
import { enableCompileCache } from '../launcher/src/compileCache';
import { mark } from '../launcher/src/timing';
import { ArgReader } from './args';
import type { Subcommand } from './main';

const USAGE = `usage: nomad-exec run FILE [--group G] [--task T] [--var name=value]... [--var-file F]...
                      [--alloc-dir DIR] [--keep-allocs N] [--agent-config FILE]
                      [--allow-host-namespaces] [--allow-raw-exec] [--plan]

  --group G        the group to run; without --task, all its exec and raw_exec tasks run together (lifecycle
                   honoured); tasks of other drivers (docker, java...) are skipped, each with its reason
  --task T         the task to run (needed when the file has more than one task that can run)
  --var name=value a value for an input variable (repeatable; wins over --var-file and NOMAD_VAR_name)
  --var-file F     HCL (name = value) or JSON file of variable values (repeatable, in order)
  --alloc-dir DIR  use this alloc dir instead of ./.nomad-exec/allocs/<alloc id>
  --keep-allocs N  how many alloc dirs to keep under ./.nomad-exec/allocs (default 5)
  --agent-config F a Nomad client config file: its chroot_env, exec plugin settings and user.denylist apply
  --allow-host-namespaces
                   let a task share this machine's PID/IPC namespace (pid_mode/ipc_mode = "host");
                   refused without it
  --allow-raw-exec let raw_exec tasks run: with no isolation at all, as you, in their task dir; refused
                   without it
  --plan           print the launch plan as JSON and run nothing

Exit status: the task's (128+N when signal N ended it); in a group run, 0 only when every task that ran
succeeded; 1 when it could not start; 2 for usage errors.
Ctrl+C stops the task: its kill_signal, then SIGKILL after its kill_timeout.
`;

interface RunFlags {
  request: RunRequest;
  planOnly: boolean;
}

function parseFlags(args: string[]): RunFlags | string {
  // Alloc dirs go under ./.nomad-exec/allocs of the directory the command runs in.
  const request: RunRequest = { file: '', vars: [], varFiles: [], workspace: process.cwd() };
  let planOnly = false;
  const files: string[] = [];
  const reader = new ArgReader(args);
  while (reader.next()) {
    const arg = reader.arg;
    const value = (): string => {
      const next = reader.value();
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--group':
      case '-group':
        request.group = value();
        break;
      case '--task':
      case '-task':
        request.task = value();
        break;
      case '--var':
      case '-var': {
        const text = value();
        const parsed = parseVarFlag(text);
        if (!parsed) return `--var ${JSON.stringify(text)}: expected name=value`;
        request.vars!.push(parsed);
        break;
      }
      case '--var-file':
      case '-var-file':
        request.varFiles!.push(path.resolve(value()));
        break;
      case '--alloc-dir':
        request.allocDir = path.resolve(value());
        break;
      case '--keep-allocs': {
        const text = value();
        const keep = Number(text);
        if (!Number.isInteger(keep) || keep < 1) return `--keep-allocs ${JSON.stringify(text)}: expected a whole number >= 1`;
        request.keepAllocs = keep;
        break;
      }
      case '--agent-config':
        request.settings = { ...request.settings, agentConfigFile: path.resolve(value()) };
        break;
      case '--allow-host-namespaces':
        request.settings = { ...request.settings, allowHostNamespaces: true };
        break;
      case '--allow-raw-exec':
        request.settings = { ...request.settings, allowRawExec: true };
        break;
      case '--plan':
        planOnly = true;
        break;
      case '-h':
      case '--help':
        return '';
      default:
        if (arg.startsWith('-')) return `unknown option ${arg}`;
        files.push(arg);
    }
  }
  if (files.length !== 1) return files.length === 0 ? 'a job file is needed' : `one job file, not ${files.length}`;
  request.file = path.resolve(files[0]);
  return { request, planOnly };
}

/** Tasks sharing a host namespace: said before anything runs, since only the developer's flag allowed it. */
function hostNamespaceWarnings(plan: LaunchPlan): string[] {
  return plan.tasks
    .filter((t) => t.driver !== 'raw_exec' && (t.pidMode === 'host' || t.ipcMode === 'host'))
    .map((t) => `warning: task "${t.name}" shares this machine's ${[t.pidMode === 'host' ? 'PID' : '', t.ipcMode === 'host' ? 'IPC' : ''].filter(Boolean).join(' and ')} namespace (allowed by --allow-host-namespaces): it can see and signal your processes`);
}

/** raw_exec tasks: said before anything runs, since they run with no isolation at all. */
function rawExecWarnings(plan: LaunchPlan): string[] {
  return plan.tasks
    .filter((t) => t.driver === 'raw_exec')
    .map((t) => `warning: task "${t.name}" uses raw_exec (allowed by --allow-raw-exec): no isolation, it runs as ${t.user} in ${t.taskDir}`);
}

function warningColour(text: string): string {
  return process.stderr.isTTY ? `\x1b[33m${text}\x1b[39m` : text;
}

/** `name=value` as given to --var. */
function parseVarFlag(flag: string): { name: string; value: string } | undefined {
  const eq = flag.indexOf('=');
  if (eq <= 0) return undefined;
  return { name: flag.slice(0, eq).trim(), value: flag.slice(eq + 1) };
}

/** Prefixes every line with `[task] ` for group runs; keeps partial lines until they end. */
class LinePrefixer {
  private readonly pending = new Map<string, Buffer>();

  constructor(private readonly write: (stream: 'stdout' | 'stderr', data: Buffer) => void) {}

  push(task: string, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const key = `${task}\0${stream}`;
    let buffer = Buffer.concat([this.pending.get(key) ?? Buffer.alloc(0), chunk]);
    const prefix = Buffer.from(`[${task}] `);
    const parts: Buffer[] = [];
    for (let nl = buffer.indexOf(10); nl >= 0; nl = buffer.indexOf(10)) {
      parts.push(prefix, buffer.subarray(0, nl + 1));
      buffer = buffer.subarray(nl + 1);
    }
    if (parts.length > 0) this.write(stream, Buffer.concat(parts));
    this.pending.set(key, buffer);
  }

  /** Writes what is left of a task's last line (output without a trailing newline). */
  flush(task: string): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const key = `${task}\0${stream}`;
      const rest = this.pending.get(key);
      if (rest && rest.length > 0) this.write(stream, Buffer.concat([Buffer.from(`[${task}] `), rest, Buffer.from('\n')]));
      this.pending.delete(key);
    }
  }
}

export const runCommand: Subcommand = {
  summary: 'run an exec task (or a group) locally, as a Nomad client would',
  async run(args: string[]): Promise<number> {
    mark('run: start');
    // A run parses one small file: Liftoff's baseline code is plenty, and V8 otherwise spends tens of
    // milliseconds of CPU compiling the parser's wasm with TurboFan in the background, on the same cores the
    // task's start-up needs (measured: ~50 ms of the time to first output on a 2-core machine). This process
    // only runs the task, so nothing else is slowed. Must come before the parser's wasm is compiled.
    try {
      (require('v8') as typeof import('v8')).setFlagsFromString('--liftoff-only');
    } catch {
      // only speed is lost
    }
    // Modules load from V8's code cache after the first run, and the parser's wasm compiles while the
    // runner's modules load: start-up time is what a user of `run` waits for.
    enableCompileCache();
    const { sharedParser } = require('../server/src/parser/parser') as typeof import('../server/src/parser/parser');
    sharedParser().catch(() => undefined);
    mark('run: parser module loaded');
    const { isPlanError, planRun, startRun } = require('../launcher/src/api') as typeof import('../launcher/src/api');
    const { runEnding, stoppingText } = require('../launcher/src/outcomeText') as typeof import('../launcher/src/outcomeText');
    mark('run: api modules loaded');
    let flags: RunFlags | string;
    try {
      flags = parseFlags(args);
    } catch (error) {
      flags = (error as Error).message;
    }
    if (typeof flags === 'string') {
      if (flags === '') {
        process.stdout.write(USAGE);
        return 0;
      }
      process.stderr.write(`nomad-exec run: ${flags}\n${USAGE}`);
      return 2;
    }
    const plan = await planRun(flags.request);
    mark('run: planned');
    if (isPlanError(plan)) {
      process.stderr.write(`nomad-exec run: ${plan.message}\n`);
      // The place as editors and terminals link it (people count from 1), and the obvious fix if there is one.
      if (plan.at) process.stderr.write(`  at ${plan.at.file}:${plan.at.range.start.line + 1}:${plan.at.range.start.character + 1}\n`);
      if (plan.hint) process.stderr.write(`  hint: ${plan.hint}\n`);
      return 1;
    }
    if (flags.planOnly) {
      process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
      return 0;
    }
    for (const warning of [...rawExecWarnings(plan), ...hostNamespaceWarnings(plan)]) process.stderr.write(`nomad-exec: ${warningColour(warning)}\n`);
    // A reader that goes away (`| head`) must not crash the run; the task is stopped instead.
    const onPipeError = (): void => void handle.stop();
    process.stdout.on('error', onPipeError);
    const groupRun = plan.tasks.length > 1 || (flags.request.group !== undefined && flags.request.task === undefined);
    const write = (stream: 'stdout' | 'stderr', data: Buffer): void => {
      (stream === 'stdout' ? process.stdout : process.stderr).write(data);
    };
    const prefixer = new LinePrefixer(write);
    let firstOutput = true;
    const handle = startRun(plan, {
      output: (task, stream, chunk) => {
        if (firstOutput) {
          firstOutput = false;
          mark('run: first output');
        }
        if (groupRun) prefixer.push(task, stream, chunk);
        else write(stream, chunk);
      },
      notice: (n) => process.stderr.write(`nomad-exec: ${n.task ? `[${n.task}] ` : ''}${n.message}\n`),
      taskState: (task, state) => {
        if (state === 'exited' && groupRun) prefixer.flush(task);
      },
    });
    let interrupts = 0;
    const onSignal = (): void => {
      interrupts++;
      if (interrupts === 1) {
        process.stderr.write(`nomad-exec: ${stoppingText(plan)}\n`);
        void handle.stop();
      } else process.stderr.write('nomad-exec: already stopping; the task gets SIGKILL when its kill timeout ends\n');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    try {
      const result = await handle.exited;
      // A stop asked for is told plainly, not as a crash: what it took and the exit code.
      const ending = runEnding(result);
      if (ending.kind === 'stopped') process.stderr.write(`nomad-exec: ${ending.text}\n`);
      for (const task of result.tasks) {
        const at = task.failure?.at;
        if (at) process.stderr.write(`nomad-exec: [${task.task}] at ${plan.jobFile}:${at.start.line + 1}:${at.start.character + 1}\n`);
      }
      if (result.failure && !result.tasks.some((t) => t.failure?.message === result.failure?.message)) {
        process.stderr.write(`nomad-exec: ${result.failure.task ? `[${result.failure.task}] ` : ''}${result.failure.step}: ${result.failure.message}\n`);
      }
      return result.exitCode;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    }
  },
};
