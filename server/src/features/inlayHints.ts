// Inlay hints (opt-in, setting nomadExec.inlayHints.values): the value of each `var.*` and `local.*` use,
// when it is known while editing, shown after the use. The uses come from the reference index.
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import type { Expr } from '../model/types';
import { isWhollyKnown } from '../model/value';
import { referenceIndex } from '../references/index';
import { documentHandler, type FeatureInput } from './featureInput';

const MAX_HINT = 40;

function valueText(input: FeatureInput, expr: Expr): string | undefined {
  let value;
  try {
    value = input.evaluator.evaluate(expr);
  } catch {
    return undefined;
  }
  if (!isWhollyKnown(value)) return undefined;
  const text = JSON.stringify(value);
  if (text === undefined) return undefined;
  return text.length > MAX_HINT ? text.slice(0, MAX_HINT - 1) + '…' : text;
}

function within(range: Range, outer: Range): boolean {
  const le = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, range.start) && le(range.end, outer.end);
}

export function inlayHints(input: FeatureInput, range: Range): InlayHint[] {
  if (!input.settings.inlayValues) return [];
  const index = referenceIndex(input.file);
  const hints: InlayHint[] = [];
  const cache = new Map<object, string | undefined>();
  for (const use of index.uses) {
    if ((use.kind !== 'variable' && use.kind !== 'local') || !use.target || !within(use.range, range)) continue;
    const expr = use.kind === 'local' ? input.file.locals.get(use.target.name)?.value : input.file.variables.get(use.target.name)?.default?.value;
    if (!expr) continue;
    if (!cache.has(expr)) cache.set(expr, valueText(input, expr));
    const text = cache.get(expr);
    if (text === undefined) continue;
    hints.push({ position: use.range.end, label: `= ${text}`, kind: InlayHintKind.Parameter, paddingLeft: true });
  }
  return hints;
}

export const inlayHintsFeature: Feature = {
  name: 'inlayHints',
  capabilities: () => ({ inlayHintProvider: true }),
  register(ctx) {
    ctx.connection.languages.inlayHint.on(
      documentHandler(ctx, 'inlayHint', [] as InlayHint[], (input, p: { textDocument: { uri: string }; range: Range }) => inlayHints(input, p.range)),
    );
  },
};
