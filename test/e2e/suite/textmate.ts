// Tokenises text with our grammar using the TextMate engine that ships inside the running VS Code
// (vscode-textmate + vscode-oniguruma from its app root), so the test sees what the editor colours.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface Token {
  text: string;
  scopes: string[];
}

function fromAppRoot(name: string): string {
  for (const dir of ['node_modules', 'node_modules.asar', 'node_modules.asar.unpacked']) {
    const candidate = path.join(vscode.env.appRoot, dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found under ${vscode.env.appRoot}`);
}

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
export async function tokenize(grammarFile: string, scopeName: string, text: string): Promise<Token[]> {
  const textmate = require(fromAppRoot('vscode-textmate')) as any;
  const oniguruma = require(fromAppRoot('vscode-oniguruma')) as any;
  const wasm = fs.readFileSync(path.join(fromAppRoot('vscode-oniguruma'), 'release', 'onig.wasm'));
  try {
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  } catch {
    // Already loaded in this process.
  }
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === scopeName ? textmate.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile) : null,
  });
  const grammar = await registry.loadGrammar(scopeName);
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) tokens.push({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    state = result.ruleStack;
  }
  return tokens;
}
