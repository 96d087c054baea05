// The version printed by `nomad-exec --version` and written into SARIF: the `version` of the package.json
// this code ships in, found by walking up from this file (out/cli/ in a checkout, dist/ in the npm package).
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nomad-exec' && pkg.version) return (cached = pkg.version);
    } catch {
      // No package.json here: keep climbing.
    }
    if (path.dirname(dir) === dir) return (cached = '0.0.0-unknown');
  }
}
