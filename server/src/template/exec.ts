// Executor for parsed Go templates: walks the node tree with a dot value and a variable stack, calling
// functions and printing values the way Go's fmt does for the common cases.
import type { Arg, Command, Node, ParsedTemplate, Pipe } from './parse';
import { arityProblem } from './functionTable';
import { formatValue, isTrue, NO_VALUE, TemplateValue } from './values';

export type TemplateFunction = (...args: TemplateValue[]) => TemplateValue;

export class TemplateExecError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

class BreakSignal {}
class ContinueSignal {}

export interface ExecOptions {
  functions: ReadonlyMap<string, TemplateFunction>;
  /** Go's `missingkey=error`: a missing map key is an error instead of `<no value>`. */
  errorOnMissingKey?: boolean;
}


export function execute(template: ParsedTemplate, data: TemplateValue, options: ExecOptions): string {
  const out: string[] = [];
  const vars: { name: string; value: TemplateValue }[] = [{ name: '$', value: data }];
  let depth = 0;

  const walkList = (nodes: Node[], dot: TemplateValue): void => {
    for (const node of nodes) walk(node, dot);
  };

  function walk(node: Node, dot: TemplateValue): void {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        return;
      case 'action': {
        const value = evalPipe(node.pipe, dot);
        if (node.pipe.vars.length === 0) out.push(printable(value));
        return;
      }
      case 'if':
      case 'with': {
        const mark = vars.length;
        const value = evalPipe(node.pipe, dot);
        if (isTrue(value)) walkList(node.list, node.kind === 'with' ? value : dot);
        else if (node.elseList) walkList(node.elseList, dot);
        vars.length = mark;
        return;
      }
      case 'range':
        return walkRange(node, dot);
      case 'template': {
        const body = template.defines.get(node.name);
        if (!body) throw new TemplateExecError(`no such template "${node.name}"`, node.line);
        if (++depth > 1000) throw new TemplateExecError('exceeded maximum template depth (1000)', node.line);
        const newDot = node.pipe ? evalPipe(node.pipe, dot) : null;
        const saved = vars.splice(0);
        vars.push({ name: '$', value: newDot });
        try {
          walkList(body, newDot);
        } finally {
          vars.splice(0, vars.length, ...saved);
          depth--;
        }
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  function walkRange(node: Extract<Node, { kind: 'range' }>, dot: TemplateValue): void {
    const mark = vars.length;
    const pipe: Pipe = { ...node.pipe, vars: [] };
    const collection = evalPipe(pipe, dot);
    const entries: [TemplateValue, TemplateValue][] = [];
    if (Array.isArray(collection)) collection.forEach((v, i) => entries.push([i, v]));
    else if (typeof collection === 'number' && Number.isInteger(collection)) {
      for (let i = 0; i < collection; i++) entries.push([i, i]);
    } else if (isMap(collection)) {
      for (const key of Object.keys(collection).sort()) entries.push([key, collection[key]]);
    } else if (collection !== null && collection !== undefined && collection !== NO_VALUE) {
      throw new TemplateExecError(`range can't iterate over ${formatValue(collection)}`, node.line);
    }
    if (entries.length === 0) {
      if (node.elseList) walkList(node.elseList, dot);
      vars.length = mark;
      return;
    }
    for (const [key, value] of entries) {
      vars.length = mark;
      if (node.pipe.vars.length === 1) vars.push({ name: node.pipe.vars[0], value });
      else if (node.pipe.vars.length === 2) {
        vars.push({ name: node.pipe.vars[0], value: key });
        vars.push({ name: node.pipe.vars[1], value });
      }
      try {
        walkList(node.list, value);
      } catch (signal) {
        if (signal instanceof BreakSignal) break;
        if (signal instanceof ContinueSignal) continue;
        throw signal;
      }
    }
    vars.length = mark;
  }

  function evalPipe(pipe: Pipe, dot: TemplateValue): TemplateValue {
    let value: TemplateValue | typeof NO_FINAL = NO_FINAL;
    for (const cmd of pipe.cmds) value = evalCommand(cmd, dot, value);
    const result = value as TemplateValue;
    for (const name of pipe.vars) {
      if (pipe.assign) {
        const slot = findVar(name, pipe.line);
        slot.value = result;
      } else vars.push({ name, value: result });
    }
    return result;
  }

  function evalCommand(cmd: Command, dot: TemplateValue, final: TemplateValue | typeof NO_FINAL): TemplateValue {
    const [first, ...rest] = cmd.args;
    if (first.kind === 'function') return callFunction(first.name, rest, dot, final, first.line);
    if (rest.length > 0 || final !== NO_FINAL) {
      // Go: only a function (or method) can take arguments.
      if (first.kind === 'field' || first.kind === 'variable' || first.kind === 'dot') {
        throw new TemplateExecError(`can't give argument to non-function ${describeArg(first)}`, cmd.line);
      }
      throw new TemplateExecError(`can't give argument to non-function ${describeArg(first)}`, cmd.line);
    }
    return evalArg(first, dot, cmd.line);
  }

  function callFunction(name: string, argNodes: Arg[], dot: TemplateValue, final: TemplateValue | typeof NO_FINAL, line: number): TemplateValue {
    // `and` / `or` stop at the first deciding argument, as Go 1.18+ does.
    if (name === 'and' || name === 'or') {
      const thunks = argNodes.map((a) => () => evalArg(a, dot, line));
      if (final !== NO_FINAL) thunks.push(() => final as TemplateValue);
      if (thunks.length === 0) throw new TemplateExecError(`wrong number of args for ${name}: want at least 1 got 0`, line);
      let value: TemplateValue = null;
      for (const thunk of thunks) {
        value = thunk();
        if (name === 'and' ? !isTrue(value) : isTrue(value)) return value;
      }
      return value;
    }
    const fn = options.functions.get(name);
    if (!fn) throw new TemplateExecError(`function "${name}" not defined`, line);
    const args = argNodes.map((a) => evalArg(a, dot, line));
    if (final !== NO_FINAL) args.push(final as TemplateValue);
    const arity = arityProblem(name, args.length);
    if (arity) throw new TemplateExecError(arity, line);
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof TemplateExecError) throw error;
      throw new TemplateExecError(`error calling ${name}: ${(error as Error).message}`, line);
    }
  }

  function evalArg(arg: Arg, dot: TemplateValue, line: number): TemplateValue {
    switch (arg.kind) {
      case 'dot':
        return dot;
      case 'field':
        return fieldChain(dot, arg.chain, line);
      case 'variable':
        return fieldChain(findVar(arg.name, line).value, arg.chain, line);
      case 'function':
        return callFunction(arg.name, [], dot, NO_FINAL, line);
      case 'string':
      case 'number':
      case 'bool':
        return arg.value;
      case 'nil':
        return null;
      case 'pipe': {
        const mark = vars.length;
        const value = evalPipe(arg.pipe, dot);
        vars.length = mark;
        return fieldChain(value, arg.chain, line);
      }
    }
  }

  function fieldChain(value: TemplateValue, chain: string[], line: number): TemplateValue {
    let current = value;
    for (const name of chain) {
      if (current === NO_VALUE || current === null || current === undefined) {
        throw new TemplateExecError(`nil pointer evaluating .${name}`, line);
      }
      if (isMap(current)) {
        if (Object.prototype.hasOwnProperty.call(current, name)) current = current[name];
        else if (options.errorOnMissingKey) throw new TemplateExecError(`map has no entry for key "${name}"`, line);
        else current = NO_VALUE;
      } else {
        throw new TemplateExecError(`can't evaluate field ${name} in type ${typeName(current)}`, line);
      }
    }
    return current;
  }

  function findVar(name: string, line: number): { name: string; value: TemplateValue } {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === name) return vars[i];
    throw new TemplateExecError(`undefined variable: ${name}`, line);
  }

  walkList(template.root, data);
  return out.join('');
}

const NO_FINAL: unique symbol = Symbol('no final');

function printable(value: TemplateValue): string {
  if (value === NO_VALUE) return '<no value>';
  return formatValue(value);
}

function isMap(value: TemplateValue): value is { [key: string]: TemplateValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function typeName(value: TemplateValue): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  return 'interface {}';
}

function describeArg(arg: Arg): string {
  if (arg.kind === 'field') return '.' + arg.chain.join('.');
  if (arg.kind === 'variable') return [arg.name, ...arg.chain].join('.');
  if (arg.kind === 'dot') return 'dot';
  return arg.kind;
}
