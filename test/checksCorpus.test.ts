// The checks against the real-world corpus, file by file through analyse(): valid jobs stay free of errors
// from the schema and job checks, invalid ones yield exactly the error (code, line, message) their
// SOURCES.tsv note describes, where that mistake lies within what the schema and checks cover.
// (test/corpus.test.ts runs the same corpus through the CLI.)
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { diagnose } from './helpers/diagnose';
import { corpusFiles } from './helpers/corpus';
import { REFUSED_BY_NOMAD, refusedByNomad } from './helpers/refusedByNomad';

/** Codes of the edit-time exec checks (issue 7); their corpus behaviour is tested with those checks. */
const OTHER_CHECKS = new Set(['command-not-in-chroot', 'command-not-provided', 'command-location', 'unknown-variable', 'work-dir-not-in-chroot', 'user-denied', 'kill-timeout-capped', 'unknown-volume']);

function show(d: Diagnostic): string {
  return `${d.range.start.line + 1}: [${d.code}] ${d.message}`;
}

for (const folder of ['exec', 'other'] as const) {
  test(`checks on corpus/${folder}: no errors except the documented ones Nomad refuses`, async () => {
    const files = corpusFiles(folder);
    assert.ok(files.length > 0, 'corpus not found');
    const unexpected: string[] = [];
    for (const file of files) {
      const name = path.basename(file);
      const found = (await diagnose(fs.readFileSync(file, 'utf8'))).filter((d) => d.severity === 1 && !OTHER_CHECKS.has(String(d.code)));
      const expected = REFUSED_BY_NOMAD[name] ?? [];
      const matched = found.filter((d) => refusedByNomad(name, d));
      if (matched.length !== found.length || found.length !== expected.length) unexpected.push(`${name}:\n  ${found.map(show).join('\n  ')}`);
    }
    assert.deepEqual(unexpected, []);
  });
}

/** What each invalid file must produce (code, 1-based line, message); files whose mistake lies elsewhere are out of scope. */
const INVALID: Record<string, Array<{ code: string; line: number; message?: RegExp }> | 'out-of-scope'> = {
  'andrewesweet__nomad-driver-exec2__e2e__jobs__breakout__cdk.hcl': [{ code: 'syntax-error', line: 15, message: /interpolation/ }],
  // Mistakes in exec2, qemu and docker configs (issue 16: every driver of the table has a schema).
  'andrewesweet__nomad-driver-exec2__e2e__jobs__capabilities-add.hcl': [{ code: 'unknown-attribute', line: 15, message: /exec2 config.*cap_add/ }],
  'angrycub__nomad_example_jobs__applications__vms__tinycore__tc_ssh.nomad.hcl': [
    { code: 'unknown-attribute', line: 68, message: /qemu config.*ports/ },
    { code: 'unknown-block', line: 69, message: /qemu config.*vnc/ },
  ],
  'angrycub__nomad_example_jobs__cni__example.nomad.hcl': [{ code: 'unknown-block', line: 14, message: /docker config.*block named config/ }],
  'mclare__nomad-jobs-and-bootstraps__STACK__stack.nomad.hcl': [{ code: 'unknown-attribute', line: 55, message: /docker config.*tmpfs/ }],
  'angrycub__nomad_example_jobs__batch__spread_batch__example2.nomad.hcl': [{ code: 'syntax-error', line: 6, message: /quoted/ }],
  'angrycub__nomad_example_jobs__connect__consul.nomad.hcl': [
    { code: 'unknown-attribute', line: 32, message: /image.*docker/ },
    { code: 'missing-required', line: 31, message: /command/ },
  ],
  'angrycub__nomad_example_jobs__docker__host-volumes-and-users__scratch.nomad.hcl': [
    { code: 'unknown-attribute', line: 17, message: /group/ },
    { code: 'unknown-attribute', line: 34, message: /group/ },
  ],
  'angrycub__nomad_example_jobs__giant__example.nomad.hcl': [{ code: 'syntax-error', line: 5 }],
  'angrycub__nomad_example_jobs__minecraft__minecraft.nomad.hcl': [{ code: 'syntax-error', line: 40, message: /,/ }],
  'angrycub__nomad_example_jobs__task_deps__init_artifact__batch-init-artifact.nomad.hcl': [{ code: 'syntax-error', line: 38 }],
  'brucellino__nomad-jobs__observability-plane__loki.nomad.hcl': [{ code: 'unknown-attribute', line: 82, message: /wait \{/ }],
  'hashicorp__nomad-guides__application-deployment__haproxy__haproxy.nomad.hcl': [{ code: 'syntax-error', line: 5 }],
  'hashicorp__nomad__jobspec__test-fixtures__basic.hcl': [
    { code: 'deprecated', line: 12, message: /consul_token.*Removed/ },
    { code: 'deprecated', line: 13, message: /vault_token.*Removed/ },
  ],
  'hashicorp__nomad__jobspec__test-fixtures__basic_wrong_key.hcl': [
    { code: 'unknown-attribute', line: 74, message: /nterval.*Did you mean interval/ },
    { code: 'deprecated', line: 11, message: /vault_token/ },
  ],
  'hashicorp__nomad__jobspec__test-fixtures__multi-network.hcl': [
    { code: 'deprecated', line: 18, message: /dynamic_ports.*Removed/ },
    { code: 'deprecated', line: 24, message: /dynamic_ports.*Removed/ },
  ],
  'joshdurbin__home-pi-infrastructure-nomad-jobs__cloudflared.hcl': [{ code: 'type-mismatch', line: 3, message: /datacenters.*list/ }],
  'ncabatoff__home-nomad-jobs__terraform__nomad__system-monitoring.hcl': [{ code: 'syntax-error', line: 27, message: /bind_options/ }],
  'perrymanuk__hashi-homelab__nomad_jobs__misc__octoprint__nomad.job': [{ code: 'syntax-error', line: 12, message: /3d_printer/ }],
};

test('checks on corpus/invalid: each file yields the error its note describes', async () => {
  const files = corpusFiles('invalid');
  assert.ok(files.length > 0, 'corpus not found');
  const missing: string[] = [];
  for (const file of files) {
    const name = path.basename(file);
    const expected = INVALID[name];
    assert.ok(expected !== undefined, `no expectation written for invalid/${name}`);
    if (expected === 'out-of-scope') continue;
    const found = (await diagnose(fs.readFileSync(file, 'utf8'))).filter((d) => d.severity === 1);
    for (const e of expected) {
      const hit = found.some((d) => d.code === e.code && d.range.start.line + 1 === e.line && (!e.message || e.message.test(d.message)));
      if (!hit) missing.push(`${name}: expected ${e.code} on line ${e.line}; got\n  ${found.map(show).join('\n  ')}`);
    }
  }
  assert.deepEqual(missing, []);
});
