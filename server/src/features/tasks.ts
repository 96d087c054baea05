// Answers `nomadExec/tasks` (see tasksProtocol.ts): the groups and tasks of a job file with their ranges,
// which of them can run locally, and the job's input variables. Open documents come from the editor;
// other `file:` URIs are read from disk (the VS Code task provider asks about files nobody has open).
import { analyse } from '../analysis';
import type { Feature } from '../feature';
import { host } from '../host';
import type { Block, Expr, JobFile, Range } from '../model/types';
import { sharedParser } from '../parser/parser';
import { tasksRequestMethod, type OutlineGroup, type TasksParams, type TasksResult } from './tasksProtocol';

const empty: TasksResult = { groups: [], variables: [] };

/** From the block type to the last label: where a code lens goes. */
function headerRange(block: Block): Range {
  const last = block.labels[block.labels.length - 1];
  return { start: block.typeRange.start, end: last ? last.range.end : block.typeRange.end };
}

function typeText(expr: Expr | undefined, text: string): string | undefined {
  if (!expr) return undefined;
  const lines = text.split(/\r\n|\r|\n/).slice(expr.range.start.line, expr.range.end.line + 1);
  if (lines.length === 0) return undefined;
  if (lines.length === 1) return lines[0].slice(expr.range.start.character, expr.range.end.character);
  lines[0] = lines[0].slice(expr.range.start.character);
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, expr.range.end.character);
  return lines.join('\n');
}

export function outlineOf(file: JobFile, text: string): TasksResult {
  const job = file.jobs[0];
  const groups: OutlineGroup[] = (job?.groups ?? []).map((group) => ({
    name: group.name,
    implicit: group.implicit,
    range: group.block.range,
    headerRange: headerRange(group.block),
    tasks: group.tasks.map((task) => ({
      name: task.name,
      driver: task.driverName,
      runnable: (task.driverName === 'exec' || task.driverName === 'raw_exec') && task.name !== '',
      range: task.block.range,
      headerRange: headerRange(task.block),
    })),
  }));
  const variables = [...file.variables.values()].map((v) => ({
    name: v.name,
    hasDefault: v.default !== undefined,
    description: v.description,
    type: typeText(v.type, text),
  }));
  return { job: job?.name, groups, variables };
}

export const tasksFeature: Feature = {
  name: 'tasks',
  register(ctx) {
    ctx.connection.onRequest(
      tasksRequestMethod,
      ctx.guard<TasksParams, TasksResult>(tasksRequestMethod, empty, async (params) => {
        if (ctx.documents.get(params.uri)) {
          const snapshot = await ctx.documents.ready(params.uri);
          return snapshot ? outlineOf(snapshot.analysis.file, snapshot.document.getText()) : empty;
        }
        const file = host.fileUrlToPath(params.uri);
        if (file === undefined || !host.fs) return empty;
        const text = await host.fs.promises.readFile(file, 'utf8');
        return outlineOf(analyse(await sharedParser(), text, ctx.settings()).file, text);
      }),
    );
  },
};
