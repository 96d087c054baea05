// How a run that cannot start explains itself in its terminal: the reason in red, the place in the job file
// as `file:line:col` (a link VS Code opens, people count lines and columns from 1), and the fix: the editor's
// quick fix titles when it offers some there, else the planner's own hint. Pure, for unit tests.
import { dim, red } from './ansi';
import type { RunProblem } from './planning';

/** `/abs/job.nomad.hcl:14:20`: what terminals and editors recognise as a place in a file. */
export function placeText(at: NonNullable<RunProblem['at']>): string {
  return `${at.file}:${at.range.start.line + 1}:${at.range.start.character + 1}`;
}

export function problemLines(problem: RunProblem, quickFixes: readonly string[] = []): { lines: string[]; place?: string } {
  const lines = problem.message.split('\n').map((line, i) => red(i === 0 ? `Cannot start: ${line}` : `  ${line}`));
  const place = problem.at ? placeText(problem.at) : undefined;
  if (place) lines.push(`  at ${place}`);
  if (quickFixes.length > 0) lines.push(`  quick fix: ${quickFixes.join(' | ')} ${dim('(Ctrl+click the place to apply it there)')}`);
  else if (problem.hint) lines.push(`  hint: ${problem.hint}`);
  return place ? { lines, place } : { lines };
}
