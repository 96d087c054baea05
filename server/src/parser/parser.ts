// One tree-sitter parser for HCL. Parsing is synchronous once the wasm is loaded, so a single parser
// instance serves every document in the process (JavaScript runs one parse at a time).
import { Parser, type Language, type ParseState, type Tree } from 'web-tree-sitter';
import { loadHclLanguage, type LoadOptions } from './load';
import { treeText } from './lineEnds';

export type { ParseState, Tree };

/**
 * Characters handed to the parser per read. Given the text itself, web-tree-sitter hands over all of it from
 * the read's start on and copies as much as its buffer holds (5,119 characters) at every read, where a
 * keystroke's reparse reads a few hundred around the edit: 20-40 µs more per edit of a 1,000-line job
 * (a fifth of the reparse). A multi-unit character cut at a chunk's end is read whole from the next chunk.
 */
const CHUNK = 2048;

/** The parser's reads of `text`, a chunk at a time. */
function chunksOf(text: string): (index: number) => string {
  return (index) => text.slice(index, index + CHUNK);
}

export class HclParser {
  private constructor(
    private readonly parser: Parser,
    private readonly language: Language,
  ) {}

  static async create(options?: LoadOptions): Promise<HclParser> {
    const language = await loadHclLanguage(options);
    const parser = new Parser();
    parser.setLanguage(language);
    return new HclParser(parser, language);
  }

  /**
   * A parser of its own for one document: a parse stopped by `parseUntil` resumes where it stopped only
   * if nothing else is parsed with the same parser in between.
   */
  another(): HclParser {
    const parser = new Parser();
    parser.setLanguage(this.language);
    return new HclParser(parser, this.language);
  }

  /**
   * Like `parse`, but gives up when `stop()` returns true (asked every few hundred parser steps, with where
   * the parse is) and then returns undefined: the next call with the same text and old tree goes on from
   * where this one stopped, unless `reset()` was called.
   */
  parseUntil(text: string, oldTree: Tree | null | undefined, stop: (state: ParseState) => boolean): Tree | undefined {
    return this.parser.parse(chunksOf(text), oldTree ?? null, { progressCallback: stop }) ?? undefined;
  }

  /** Forgets a stopped parse: the next parse starts from the beginning. */
  reset(): void {
    this.parser.reset();
  }

  /** Frees the parser's wasm memory (only for parsers made by `another`). */
  delete(): void {
    this.parser.delete();
  }

  /**
   * A whole text parsed as the editor counts its lines: each lone `\r` read as a line end (lineEnds.treeText),
   * so the tree's rows are LSP lines. One-shot parses of a job or var file go through here; a document kept
   * in step with edits passes its own tree text to `parse`.
   */
  parseText(text: string): Tree {
    return this.parse(treeText(text));
  }

  /**
   * Parses `text`; with `oldTree` (already edited with `tree.edit`) the unchanged parts are reused.
   * The caller owns the returned tree and must `delete()` it when replaced.
   */
  parse(text: string, oldTree?: Tree | null): Tree {
    const tree = this.parser.parse(chunksOf(text), oldTree ?? null);
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
