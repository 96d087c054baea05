// Start-up timeline for performance work: with NOMAD_EXEC_TIMING=1, `mark()` records milliseconds since the
// process started and the timeline is printed to stderr when the process exits. Costs nothing otherwise.
const enabled = !!process.env.NOMAD_EXEC_TIMING;
const marks: [string, number][] = [];

export function mark(name: string): void {
  if (!enabled) return;
  if (marks.length === 0) {
    process.on('exit', () => {
      process.stderr.write(marks.map(([n, t]) => `nomad-exec timing: ${t.toFixed(1).padStart(7)} ms  ${n}\n`).join(''));
    });
  }
  marks.push([name, performance.now()]);
}
