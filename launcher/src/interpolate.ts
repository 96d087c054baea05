// The simple interpolation Nomad applies to everything but the driver config (env values, meta, artifact and
// template paths): `${name}` looked up in the task env, then node names; unknown names stay as written.

const SIMPLE = /\$\{([^{}]+)\}/g;

export function interpolateSimple(text: string, env: Record<string, string>, node: Record<string, string>): string {
  return text.replace(SIMPLE, (whole, raw: string) => {
    const name = raw.trim();
    if (Object.prototype.hasOwnProperty.call(env, name)) return env[name];
    if (Object.prototype.hasOwnProperty.call(node, name)) return node[name];
    return whole;
  });
}
