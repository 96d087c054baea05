// Where a path as the task sees it (`/local/x`, `/alloc/data`) lives on the host: shared by the runner and
// the template engine of the language core.
import * as path from 'path';

/** Task path -> host path, through the longest matching bind, else inside the task dir. */
export function hostPathOf(taskPath: string, taskDir: string, binds: { host: string; task: string }[]): string {
  const normal = path.posix.normalize(taskPath);
  let best: { host: string; task: string } | undefined;
  for (const bind of binds) {
    const t = bind.task.replace(/\/+$/, '') || '/';
    if (normal === t || normal.startsWith(t === '/' ? '/' : t + '/')) {
      if (!best || t.length > best.task.length) best = { host: bind.host, task: t };
    }
  }
  if (best) return path.join(best.host, normal.slice(best.task.length));
  return path.join(taskDir, normal);
}
