// Open documents of the language server: each keeps its text, syntax tree and model cache in step under
// incremental edits (see analysis.ts DocumentAnalysis). Features read documents through this store.
import type { Analysis } from './analysis';
import { DocumentAnalysis } from './analysis';
import type { TextChange } from './parser/syntaxDocument';
import type { HclParser } from './parser/parser';
import type { EffectiveSettings } from './settings';

export class DocumentStore {
  private readonly open = new Map<string, DocumentAnalysis>();

  constructor(
    private readonly parser: HclParser,
    private readonly currentSettings: () => EffectiveSettings,
  ) {}

  openDocument(uri: string, text: string, version: number): DocumentAnalysis {
    this.open.get(uri)?.dispose();
    const doc = new DocumentAnalysis(this.parser, uri, text, version);
    this.open.set(uri, doc);
    return doc;
  }

  change(uri: string, changes: readonly TextChange[], version: number): DocumentAnalysis | undefined {
    const doc = this.open.get(uri);
    if (!doc) return undefined;
    doc.applyChanges(changes, version);
    return doc;
  }

  close(uri: string): void {
    this.open.get(uri)?.dispose();
    this.open.delete(uri);
  }

  get(uri: string): DocumentAnalysis | undefined {
    return this.open.get(uri);
  }

  /** The current analysis of an open document (computed on demand, cached per version and settings). */
  analysis(uri: string): Analysis | undefined {
    return this.open.get(uri)?.analyse(this.currentSettings());
  }

  uris(): string[] {
    return [...this.open.keys()];
  }

  disposeAll(): void {
    for (const doc of this.open.values()) doc.dispose();
    this.open.clear();
  }
}
