// A folder tree as comparable text, for attack tests that assert the host is untouched.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Everything under `root` (itself included) with type, mode, owner and content, as comparable text. */
export function snapshot(root: string): string {
  const lines: string[] = [];
  const walk = (p: string): void => {
    const st = fs.lstatSync(p);
    const head = `${path.relative(root, p) || '.'} ${(st.mode & 0o177777).toString(8)} ${st.uid}:${st.gid}`;
    if (st.isSymbolicLink()) lines.push(`${head} -> ${fs.readlinkSync(p)}`);
    else if (st.isDirectory()) {
      lines.push(head);
      for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name));
    } else {
      const content = fs.readFileSync(p);
      lines.push(`${head} ${content.length} bytes sha256 ${createHash('sha256').update(content).digest('hex').slice(0, 16)}`);
    }
  };
  walk(root);
  return lines.join('\n');
}
