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

/** The input for a request about `uri`, or undefined when the document is not open. */
export function featureInput(ctx: FeatureContext, uri: string): FeatureInput | undefined {
  const doc = ctx.documents.get(uri);
  if (!doc) return undefined;
  const settings = ctx.settings();
  const analysis = doc.analyse(settings);
  return { document: doc.syntax.textDocument, tree: doc.tree(), file: analysis.file, evaluator: analysis.evaluator, settings };
}

/**
 * A guarded handler for a request about one open document: `answer` gets the document's input, and
 * `fallback` is the reply when the document is not open (or, through `ctx.guard`, when answering throws).
 */
export function documentHandler<P extends { textDocument: { uri: string } }, R>(
  ctx: FeatureContext,
  name: string,
  fallback: R,
  answer: (input: FeatureInput, params: P) => R,
): (params: P) => Promise<R> {
  return ctx.guard(name, fallback, (params: P) => {
    const input = featureInput(ctx, params.textDocument.uri);
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
