// Signal names a task's `kill_signal` (and template/vault `change_signal`) may use: the set Nomad's
// signal table knows on Linux, each with what a program usually does when it receives it.

export const SIGNALS: ReadonlyArray<{ name: string; doc: string }> = [
  { name: 'SIGABRT', doc: 'Abort; most programs dump core.' },
  { name: 'SIGALRM', doc: 'Timer expired.' },
  { name: 'SIGBUS', doc: 'Bus error (bad memory access).' },
  { name: 'SIGCONT', doc: 'Continue a stopped process.' },
  { name: 'SIGFPE', doc: 'Arithmetic error.' },
  { name: 'SIGHUP', doc: 'Hang-up; daemons often reload their configuration.' },
  { name: 'SIGILL', doc: 'Illegal instruction.' },
  { name: 'SIGINT', doc: 'Interrupt, as from Ctrl-C; Nomad\'s default stop signal.' },
  { name: 'SIGIO', doc: 'I/O is possible on a descriptor.' },
  { name: 'SIGIOT', doc: 'Same as SIGABRT.' },
  { name: 'SIGKILL', doc: 'Kill at once; cannot be caught, so no clean shutdown.' },
  { name: 'SIGPIPE', doc: 'Write to a pipe with no reader.' },
  { name: 'SIGPROF', doc: 'Profiling timer expired.' },
  { name: 'SIGQUIT', doc: 'Quit; often dumps core or, for some runtimes, a stack trace.' },
  { name: 'SIGSEGV', doc: 'Invalid memory reference.' },
  { name: 'SIGSTOP', doc: 'Stop (pause) the process; cannot be caught.' },
  { name: 'SIGSYS', doc: 'Bad system call.' },
  { name: 'SIGTERM', doc: 'Polite request to terminate; the usual graceful stop.' },
  { name: 'SIGTRAP', doc: 'Trace or breakpoint trap.' },
  { name: 'SIGTSTP', doc: 'Stop typed at a terminal (Ctrl-Z).' },
  { name: 'SIGTTIN', doc: 'Background read from a terminal.' },
  { name: 'SIGTTOU', doc: 'Background write to a terminal.' },
  { name: 'SIGUSR1', doc: 'User-defined signal 1; meaning depends on the program.' },
  { name: 'SIGUSR2', doc: 'User-defined signal 2; meaning depends on the program.' },
  { name: 'SIGWINCH', doc: 'Terminal window size changed.' },
  { name: 'SIGXCPU', doc: 'CPU time limit exceeded.' },
  { name: 'SIGXFSZ', doc: 'File size limit exceeded.' },
  { name: 'SIGNULL', doc: 'No signal at all (only checks that the process exists).' },
];

export const SIGNAL_NAMES: ReadonlySet<string> = new Set(SIGNALS.map((s) => s.name));

/** Nomad upper-cases signal names before looking them up. */
export function isKnownSignal(name: string): boolean {
  return SIGNAL_NAMES.has(name.trim().toUpperCase());
}
