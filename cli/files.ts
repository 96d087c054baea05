// Which files `nomad-exec check` looks at: files named on the command line, and inside folders
// `*.nomad.hcl`, `*.nomad`, and `*.hcl` files that contain a top-level `job` block.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist']);

/** A top-level `job` block: `job "name" {` at the start of a line (comments aside). */
export function looksLikeJobFile(text: string): boolean {
  return /^job\s+("[^"\n]*"|[A-Za-z_][\w-]*)\s*\{/m.test(text);
}

export interface FileList {
  files: string[];
  errors: string[];
}

export function collectFiles(paths: string[]): FileList {
  const files: string[] = [];
  const errors: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push(`${dir}: ${(error as Error).message}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile()) {
        if (entry.name.endsWith('.nomad.hcl') || entry.name.endsWith('.nomad')) files.push(full);
        else if (entry.name.endsWith('.hcl')) {
          try {
            if (looksLikeJobFile(fs.readFileSync(full, 'utf8'))) files.push(full);
          } catch (error) {
            errors.push(`${full}: ${(error as Error).message}`);
          }
        }
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (error) {
      errors.push(`${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
      continue;
    }
    if (stat.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, errors };
}
