// The rendered preview of a template block: `workspace/executeCommand nomadExec.previewTemplate` renders the
// block's data with the runner's engine and the task's environment as known while editing, and a code lens
// "Preview" above each template block invokes it. The client shows `text` in a read-only editor beside the
// job and asks again when the document changes. The lenses themselves are served by codeLens.ts.
import { readPlainFile, readPlainFileLater, type PlainFileRead } from '../host/plainFile';
import type { CodeLens, Position } from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import type { Task } from '../model/types';
import { readTemplate, templateBlocks } from '../checks/templateData';
import { taskBody } from '../schema/runtimeQuery';
import { renderPreview, type PreviewResult } from '../template/preview';
import { runtimeScopeFor } from '../schema/runtime';
import { featureInput, type FeatureInput } from './featureInput';

export const PREVIEW_COMMAND = 'nomadExec.previewTemplate';

export interface PreviewArguments {
  uri: string;
  /** `group/task` or the task name; the first task with templates when absent. */
  task?: string;
  /** 1-based, in the task's order; 1 when absent. */
  template?: number;
  /** Answers for Consul/Vault/Nomad calls (nomadExec.templateValues), keyed `name "arg"`. */
  values?: Record<string, unknown>;
}

export interface PreviewReply extends PreviewResult {
  task: string;
  template: number;
  /** Set when the block has no `data` to render (a `source` file is rendered by the runner only). */
  unavailable?: string;
  /** Why the values file (nomadExec.templateValues) was not used. */
  valuesProblem?: string;
}

/** A values file (nomadExec.templateValues, `--template-values`): a JSON object keyed by the call as written. */
export function readTemplateValues(file: string): TemplateValues {
  return templateValuesOf(file, readPlainFile(file));
}

/** As readTemplateValues, off the thread (the language server's: a file on a hung mount holds no request). */
export async function readTemplateValuesLater(file: string): Promise<TemplateValues> {
  return templateValuesOf(file, await readPlainFileLater(file));
}

type TemplateValues = { values: Record<string, unknown> } | { problem: string };

function templateValuesOf(file: string, read: PlainFileRead): TemplateValues {
  let parsed: unknown;
  if ('problem' in read) return { problem: `${file}: ${read.problem}` };
  try {
    parsed = JSON.parse(read.text);
  } catch (error) {
    return { problem: `${file}: ${(error as Error).message}` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: `${file}: not a JSON object keyed by calls such as "key \"app/config\""` };
  return { values: parsed as Record<string, unknown> };
}

function tasksOf(input: Pick<FeatureInput, 'file'>): Task[] {
  return input.file.jobs.flatMap((job) => job.groups.flatMap((group) => group.tasks));
}

/** Needs only the job model and its evaluator, so the CLI (`nomad-exec render`) shares it. */
export function previewTemplate(input: Pick<FeatureInput, 'file' | 'evaluator'>, args: PreviewArguments): PreviewReply | null {
  const tasks = tasksOf(input);
  const task = args.task
    ? tasks.find((t) => `${t.group.name}/${t.name}` === args.task || t.name === args.task)
    : tasks.find((t) => templateBlocks(taskBody(t)).length > 0);
  if (!task) return null;
  const index = args.template ?? 1;
  const block = templateBlocks(taskBody(task))[index - 1];
  if (!block) return null;
  const name = `${task.group.name}/${task.name}`;
  const read = readTemplate(input, block);
  if (!read) return { task: name, template: index, text: '', placeholders: [], unavailable: 'the template has no data known while editing (a source file is rendered when the task runs)' };
  const env: Record<string, string> = {};
  for (const entry of runtimeScopeFor(task, input.file, { evaluator: input.evaluator }).env.values()) if (entry.value !== undefined) env[entry.name] = entry.value;
  return { task: name, template: index, ...renderPreview(read.text.text, { leftDelimiter: read.left, rightDelimiter: read.right, env, values: args.values }) };
}

export function previewLenses(input: Pick<FeatureInput, 'file'>, uri: string): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const task of tasksOf(input)) {
    templateBlocks(taskBody(task)).forEach((block, i) => {
      const start: Position = block.typeRange.start;
      lenses.push({
        range: { start, end: block.typeRange.end },
        command: { title: 'Preview', command: PREVIEW_COMMAND, arguments: [{ uri, task: `${task.group.name}/${task.name}`, template: i + 1 } satisfies PreviewArguments] },
      });
    });
  }
  return lenses;
}

export const templatePreviewFeature: Feature = {
  name: 'template-preview',
  capabilities: () => ({ executeCommandProvider: { commands: [PREVIEW_COMMAND] } }),
  register(ctx) {
    ctx.connection.onExecuteCommand(
      ctx.guard('executeCommand', null as PreviewReply | null, async (params: { command: string; arguments?: unknown[] }) => {
        if (params.command !== PREVIEW_COMMAND) return null;
        const args = params.arguments?.[0] as PreviewArguments | undefined;
        if (!args || typeof args.uri !== 'string') return null;
        const input = await featureInput(ctx, args.uri);
        if (!input) return null;
        // The values file is read on every preview: edits to it show at the next one.
        const file = ctx.settings().templateValues;
        if (args.values || !file) return previewTemplate(input, args);
        const read = await readTemplateValuesLater(file);
        if ('problem' in read) {
          const reply = previewTemplate(input, args);
          return reply && { ...reply, valuesProblem: read.problem };
        }
        return previewTemplate(input, { ...args, values: read.values });
      }),
    );
  },
};
