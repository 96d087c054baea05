// Where the shared corpus lives: ../shared/corpus beside the repository (CI checks it out there).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './lspClient';

export const CORPUS_DIR = process.env.NOMAD_EXEC_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpus');

export function corpusFiles(folder: 'exec' | 'other' | 'invalid'): string[] {
  const dir = path.join(CORPUS_DIR, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort().map((f) => path.join(dir, f));
}

export function corpusFile(folder: 'exec' | 'other' | 'invalid', nameContains: string): string {
  const found = corpusFiles(folder).filter((f) => path.basename(f).includes(nameContains));
  if (found.length !== 1) throw new Error(`expected one corpus file matching ${nameContains} in ${folder}, found ${found.length}`);
  return found[0];
}
