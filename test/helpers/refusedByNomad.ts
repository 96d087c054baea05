// Files of the shared corpus's exec/ and other/ folders that Nomad itself refuses, with the one error
// each is expected to have. A task without `driver` fails Nomad's server validation ("Missing task
// driver"); the corpus was only checked for parsing and field names, so these two slipped in. Reporting
// them is what `nomad job validate` would do too, so the valid-corpus tests accept exactly these.
export const REFUSED_BY_NOMAD: Readonly<Record<string, ReadonlyArray<{ code: string; line: number; message: RegExp }>>> = {
  'brucellino__nomad-jobs__hubot.nomad.hcl': [{ code: 'missing-required', line: 59, message: /Task "install" needs driver/ }],
  'hashicorp__nomad__jobspec2__test-fixtures__config-compatibility.hcl': [{ code: 'missing-required', line: 6, message: /Task "task" needs driver/ }],
};

/** Whether an error diagnostic in `fileName` is one of the documented ones. */
export function refusedByNomad(fileName: string, d: { code?: unknown; message: string; range: { start: { line: number } } }): boolean {
  return (REFUSED_BY_NOMAD[fileName] ?? []).some((e) => e.code === d.code && e.line === d.range.start.line + 1 && e.message.test(d.message));
}
