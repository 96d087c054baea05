// Signal names and exit statuses shared by the exec supervisor, the raw_exec runner and the plan's checks.
import * as os from 'os';

/** A job's kill_signal ("INT" or "SIGINT") as Node names it; undefined when this machine has no such signal. */
export function nodeSignal(killSignal: string): NodeJS.Signals | undefined {
  const name = (killSignal.startsWith('SIG') ? killSignal : `SIG${killSignal}`) as NodeJS.Signals;
  return os.constants.signals[name] === undefined ? undefined : name;
}

/** A process's status as a shell reports it: its exit code, or 128 + the signal that ended it. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1);
}

export function signalName(n: number): string {
  for (const [name, value] of Object.entries(os.constants.signals)) if (value === n) return name;
  return `signal ${n}`;
}
