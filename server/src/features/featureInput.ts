// What every feature reads about one open document: its text (with offset/position conversion), the syntax
// tree, the job model with an evaluator over it, and the effective client settings.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import type { Evaluator } from '../model/eval';
import type { JobFile, Task } from '../model/types';
import { runtimeScopeFor, type RuntimeScope } from '../schema/runtime';
import type { EffectiveSettings } from '../settings';
import type { FeatureContext } from '../feature';

export interface FeatureInput {
  document: TextDocument;
  tree: Tree;
  file: JobFile;
  evaluator: Evaluator;
  settings: EffectiveSettings;
}

/**
 * The input for a request about `uri`: its completed analysis (waiting for that document's own pending
 * analysis, never another's). undefined when the document is not open, or was not parsed (too large or too
 * slow: its analysis-limit notice says so).
 */
export async function featureInput(ctx: FeatureContext, uri: string): Promise<FeatureInput | undefined> {
  const snapshot = await ctx.documents.ready(uri);
  if (!snapshot?.tree) return undefined;
  const { analysis } = snapshot;
  return { document: snapshot.document, tree: snapshot.tree, file: analysis.file, evaluator: analysis.evaluator, settings: ctx.settings() };
}

/**
 * A guarded handler for a request about one open document: `answer` gets the document's input, and
 * `fallback` is the reply when the document is not open (or, through `ctx.guard`, when answering throws).
 */
export function documentHandler<P extends { textDocument: { uri: string } }, R>(
  ctx: FeatureContext,
  name: string,
  fallback: R,
  answer: (input: FeatureInput, params: P) => R | Promise<R>,
): (params: P) => Promise<R> {
  return ctx.guard(name, fallback, async (params: P) => {
    const input = await featureInput(ctx, params.textDocument.uri);
    return input ? answer(input, params) : fallback;
  });
}

const scopes = new WeakMap<Evaluator, Map<Task, RuntimeScope | undefined>>();

/**
 * The runtime names of `task` (what the client sets when it starts), or undefined when they cannot be
 * worked out. Computed once per analysis: hover, completion and code actions ask on every request.
 */
export function runtimeScopeOf(input: FeatureInput, task: Task): RuntimeScope | undefined {
  let byTask = scopes.get(input.evaluator);
  if (!byTask) scopes.set(input.evaluator, (byTask = new Map()));
  if (byTask.has(task)) return byTask.get(task);
  let scope: RuntimeScope | undefined;
  try {
    scope = runtimeScopeFor(task, input.file, { evaluator: input.evaluator });
  } catch {
    scope = undefined;
  }
  byTask.set(task, scope);
  return scope;
}
