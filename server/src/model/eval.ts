// Evaluation of HCL2 expressions where their value can be known while editing: literals, templates of
// known parts, `var.*` (defaults, or values given to the runner), `local.*`, and the pure jobspec functions.
// Everything else evaluates to UNKNOWN. The runner passes a runtime scope to resolve NOMAD_* names too.
import type { Expr } from './types';
import type { Value } from './value';

export interface Evaluator {
  evaluate(expr: Expr): Value;
}

// Implemented in model/evaluate.ts (createEvaluator).
