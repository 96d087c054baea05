// Parser for Go's text/template: tokens -> a tree of nodes, plus the named templates made by
// `define` and `block`. Function names are checked against the known set at parse time, as Go does, so an
// unknown or unsupported function is reported before anything is rendered.
import { lex, Token, TemplateSyntaxError } from './lexer';

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe; line: number }
  | { kind: 'if' | 'with'; pipe: Pipe; list: Node[]; elseList?: Node[]; line: number }
  | { kind: 'range'; pipe: Pipe; list: Node[]; elseList?: Node[]; line: number }
  | { kind: 'template'; name: string; pipe?: Pipe; line: number }
  | { kind: 'break' | 'continue'; line: number };

export interface Pipe {
  /** Variables declared (`$x :=`) or assigned (`$x =`). */
  vars: string[];
  assign: boolean;
  cmds: Command[];
  line: number;
}

export interface Command {
  args: Arg[];
  line: number;
}

export type Arg =
  | { kind: 'dot' }
  | { kind: 'field'; chain: string[] }
  | { kind: 'variable'; name: string; chain: string[] }
  | { kind: 'function'; name: string; line: number; offset: number; end: number }
  | { kind: 'string'; value: string; offset: number; end: number }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipe'; pipe: Pipe; chain: string[] };

export interface ParsedTemplate {
  root: Node[];
  defines: Map<string, Node[]>;
  /** Every function name used, with the first line it appears on. */
  functions: Map<string, number>;
  /** Every function call, with the number of arguments it gets (a piped value counts) and its literal string arguments. */
  calls: TemplateCall[];
}

export interface TemplateCall {
  name: string;
  /** The function name's offsets in the template text. */
  offset: number;
  end: number;
  count: number;
  /** The written arguments (not the piped one). */
  args: Arg[];
}

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  /** Returns true when a function name exists; unknown names are a parse error as in Go. */
  isFunction(name: string): boolean;
}

export function parseTemplate(text: string, options: ParseOptions): ParsedTemplate {
  const tokens = lex(text, options.leftDelim ?? '{{', options.rightDelim ?? '}}');
  let pos = 0;
  const defines = new Map<string, Node[]>();
  const functions = new Map<string, number>();
  const calls: TemplateCall[] = [];
  /** The `if`/`range`/`with`/`define`/`block` keywords still waiting for their `{{end}}`. */
  const openers: Token[] = [];
  let loopDepth = 0;
  const scopes: Set<string>[] = [new Set(['$'])];

  const peek = (offset = 0): Token => tokens[Math.min(pos + offset, tokens.length - 1)];
  const next = (): Token => tokens[Math.min(pos++, tokens.length - 1)];
  const fail = (message: string, token: Token = peek()): never => {
    throw new TemplateSyntaxError(message, token.line, token.offset, token.end);
  };
  const expect = (kind: Token['kind'], what: string): Token => {
    const token = next();
    if (token.kind !== kind) fail(`expected ${what}, found ${describe(token)}`, token);
    return token;
  };

  /** Parses nodes until `{{end}}`/`{{else}}` (returned) or the end of input. */
  function parseList(inBlock: boolean): { nodes: Node[]; stop: 'end' | 'else' | 'eof'; stopToken?: Token } {
    const nodes: Node[] = [];
    for (;;) {
      const token = peek();
      if (token.kind === 'eof') {
        if (inBlock) {
          const opener = openers[openers.length - 1];
          fail(opener ? `unexpected end of template: {{${opener.value}}} has no {{end}}` : 'unexpected end of template: missing {{end}}', opener ?? token);
        }
        return { nodes, stop: 'eof' };
      }
      if (token.kind === 'text') {
        nodes.push({ kind: 'text', text: next().value });
        continue;
      }
      expect('leftDelim', 'action');
      const head = peek();
      if (head.kind === 'keyword') {
        switch (head.value) {
          case 'end':
            next();
            expect('rightDelim', 'closing delimiter');
            if (!inBlock) fail('unexpected {{end}}', head);
            return { nodes, stop: 'end' };
          case 'else':
            next();
            if (!inBlock) fail('unexpected {{else}}', head);
            return { nodes, stop: 'else', stopToken: head };
          case 'if':
          case 'with':
          case 'range':
            next();
            nodes.push(parseControl(head.value, head));
            continue;
          case 'template':
            next();
            nodes.push(parseTemplateCall(head));
            continue;
          case 'define':
            next();
            parseDefine(head);
            continue;
          case 'block': {
            next();
            const call = parseTemplateCall(head, true);
            nodes.push(call);
            continue;
          }
          case 'break':
          case 'continue':
            next();
            if (loopDepth === 0) fail(`{{${head.value}}} outside {{range}}`, head);
            expect('rightDelim', 'closing delimiter');
            nodes.push({ kind: head.value, line: head.line });
            continue;
        }
      }
      const pipe = parsePipe(true);
      expect('rightDelim', 'closing delimiter');
      nodes.push({ kind: 'action', pipe, line: head.line });
    }
  }

  function parseControl(keyword: string, head: Token): Node {
    scopes.push(new Set(scopes[scopes.length - 1]));
    const pipe = parsePipe(true, keyword === 'range');
    expect('rightDelim', 'closing delimiter');
    if (keyword === 'range') loopDepth++;
    openers.push(head);
    const body = parseList(true);
    if (keyword === 'range') loopDepth--;
    scopes.pop();
    let elseList: Node[] | undefined;
    if (body.stop === 'else') {
      // `{{else if ...}}` / `{{else with ...}}` chain into a nested control node.
      const after = peek();
      if (after.kind === 'keyword' && (after.value === 'if' || after.value === 'with') && keyword !== 'range') {
        next();
        elseList = [parseControl(after.value, after)];
      } else {
        expect('rightDelim', 'closing delimiter');
        scopes.push(new Set(scopes[scopes.length - 1]));
        const rest = parseList(true);
        scopes.pop();
        if (rest.stop !== 'end') fail('expected {{end}}', rest.stopToken);
        elseList = rest.nodes;
      }
    }
    openers.pop();
    const kind = keyword as 'if' | 'with' | 'range';
    return { kind, pipe, list: body.nodes, elseList, line: head.line };
  }

  function parseTemplateCall(head: Token, isBlock = false): Node {
    const nameToken = next();
    if (nameToken.kind !== 'string' && nameToken.kind !== 'rawString') fail(`expected template name string after ${head.value}`, nameToken);
    let pipe: Pipe | undefined;
    if (peek().kind !== 'rightDelim') pipe = parsePipe(false);
    expect('rightDelim', 'closing delimiter');
    if (isBlock) {
      openers.push(head);
      const body = parseList(true);
      openers.pop();
      if (body.stop !== 'end') fail('expected {{end}} after block', body.stopToken);
      defines.set(nameToken.value, body.nodes);
    }
    return { kind: 'template', name: nameToken.value, pipe, line: head.line };
  }

  function parseDefine(head: Token): void {
    const nameToken = next();
    if (nameToken.kind !== 'string' && nameToken.kind !== 'rawString') fail('expected template name string after define', nameToken);
    expect('rightDelim', 'closing delimiter');
    scopes.push(new Set(['$']));
    openers.push(head);
    const body = parseList(true);
    openers.pop();
    scopes.pop();
    if (body.stop !== 'end') fail('expected {{end}} after define', body.stopToken ?? head);
    defines.set(nameToken.value, body.nodes);
  }

  function parsePipe(allowDecl: boolean, allowTwoVars = false): Pipe {
    const line = peek().line;
    const vars: string[] = [];
    let assign = false;
    if (allowDecl && peek().kind === 'variable' && !peek().value.includes('.')) {
      // Lookahead for `$x :=`, `$x =`, or `$i, $e :=`.
      const second = peek(1);
      if (second.kind === 'declare' || second.kind === 'assign') {
        vars.push(next().value);
        assign = next().kind === 'assign';
      } else if (allowTwoVars && second.kind === 'comma' && peek(2).kind === 'variable' && peek(3).kind === 'declare') {
        vars.push(next().value);
        next();
        vars.push(next().value);
        next();
      }
      const scope = scopes[scopes.length - 1];
      if (assign) {
        if (!scope.has(vars[0])) fail(`undefined variable "${vars[0]}"`);
      } else vars.forEach((v) => scope.add(v));
    }
    const cmds: Command[] = [];
    for (;;) {
      const cmd = parseCommand();
      const first = cmd.args[0];
      if (first.kind === 'function') calls.push({ name: first.name, offset: first.offset, end: first.end, count: cmd.args.length - 1 + (cmds.length > 0 ? 1 : 0), args: cmd.args.slice(1) });
      cmds.push(cmd);
      if (peek().kind === 'pipe') {
        next();
        continue;
      }
      break;
    }
    return { vars, assign, cmds, line };
  }

  function parseCommand(): Command {
    const line = peek().line;
    const args: Arg[] = [];
    for (;;) {
      const token = peek();
      if (token.kind === 'rightDelim' || token.kind === 'rightParen' || token.kind === 'pipe') break;
      if (token.kind === 'eof') fail('unclosed action');
      const arg = parseOperand();
      // A function written as a later operand is called without arguments.
      if (args.length > 0 && arg.kind === 'function') calls.push({ name: arg.name, offset: arg.offset, end: arg.end, count: 0, args: [] });
      args.push(arg);
    }
    if (args.length === 0) fail('missing value for command');
    return { args, line };
  }

  function parseOperand(): Arg {
    const token = next();
    let arg: Arg;
    switch (token.kind) {
      case 'dot':
        arg = { kind: 'dot' };
        break;
      case 'field':
        arg = { kind: 'field', chain: token.value.slice(1).split('.') };
        break;
      case 'variable': {
        const [name, ...chain] = token.value.split('.');
        if (!scopes[scopes.length - 1].has(name)) fail(`undefined variable "${name}"`, token);
        arg = { kind: 'variable', name, chain };
        break;
      }
      case 'identifier':
        if (!options.isFunction(token.value)) fail(`function "${token.value}" not defined`, token);
        if (!functions.has(token.value)) functions.set(token.value, token.line);
        arg = { kind: 'function', name: token.value, line: token.line, offset: token.offset, end: token.end };
        break;
      case 'string':
      case 'rawString':
        arg = { kind: 'string', value: token.value, offset: token.offset, end: token.end };
        break;
      case 'char':
        arg = { kind: 'number', value: Number(token.value), text: token.value };
        break;
      case 'number': {
        const value = Number(token.value.replace(/_/g, '').replace(/^([+-]?)0[oO]/, '$10o'));
        if (Number.isNaN(value)) fail(`bad number syntax: ${token.value}`, token);
        arg = { kind: 'number', value, text: token.value };
        break;
      }
      case 'bool':
        arg = { kind: 'bool', value: token.value === 'true' };
        break;
      case 'nil':
        arg = { kind: 'nil' };
        break;
      case 'leftParen': {
        const pipe = parsePipe(false);
        expect('rightParen', '")"');
        arg = { kind: 'pipe', pipe, chain: [] };
        break;
      }
      default:
        return fail(`unexpected ${describe(token)} in command`, token);
    }
    // `(pipe).Field` and `$x.Field` chains written right after a term.
    while (peek().kind === 'field' && peek().joined && (arg.kind === 'pipe' || arg.kind === 'function')) {
      const chain = next().value.slice(1).split('.');
      if (arg.kind === 'function') calls.push({ name: arg.name, offset: arg.offset, end: arg.end, count: 0, args: [] });
      arg = arg.kind === 'pipe' ? { ...arg, chain: [...arg.chain, ...chain] } : { kind: 'pipe', pipe: { vars: [], assign: false, cmds: [{ args: [arg], line: token.line }], line: token.line }, chain };
    }
    return arg;
  }

  const result = parseList(false);
  return { root: result.nodes, defines, functions, calls };
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of template';
  if (token.kind === 'rightDelim') return 'closing delimiter';
  return `${token.kind} ${JSON.stringify(token.value)}`;
}
