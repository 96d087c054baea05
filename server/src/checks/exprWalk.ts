// The expression walk lives with the model (the model's group reuse reads expressions too, scopeReads.ts);
// the checks import it from here.
export * from '../model/exprWalk';
