// One tree-sitter parser for HCL. Parsing is synchronous once the wasm is loaded, so a single parser
// instance serves every document in the process (JavaScript runs one parse at a time).
import { Parser, type Tree } from 'web-tree-sitter';
import { loadHclLanguage, type LoadOptions } from './load';

export type { Tree };

export class HclParser {
  private constructor(private readonly parser: Parser) {}

  static async create(options?: LoadOptions): Promise<HclParser> {
    const language = await loadHclLanguage(options);
    const parser = new Parser();
    parser.setLanguage(language);
    return new HclParser(parser);
  }

  /**
   * Parses `text`; with `oldTree` (already edited with `tree.edit`) the unchanged parts are reused.
   * The caller owns the returned tree and must `delete()` it when replaced.
   */
  parse(text: string, oldTree?: Tree | null): Tree {
    const tree = this.parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}

let shared: Promise<HclParser> | undefined;

/** The process-wide parser, created on first use. */
export function sharedParser(options?: LoadOptions): Promise<HclParser> {
  if (!shared) {
    shared = HclParser.create(options);
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
