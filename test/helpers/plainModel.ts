// A job model as plain data, for comparing two builds structurally: without the parent links (job, group),
// which make it cyclic, and without the moves (JobFile.moves: how a build got there, not what it says).
export function plainModel(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) => {
      if (key === 'job' || key === 'group' || key === 'moves') return undefined;
      if (v instanceof Map) return Object.fromEntries(v);
      return v;
    }),
  );
}
