// Replies whose JSON text a feature can make more cheaply than JSON.stringify of the whole reply, or that it
// hands out more than once (the references of one name while the file does not change): the feature marks
// the reply object here, and the stdio transport (stdioTransport.ts) asks for the text when it encodes the
// response. The reply is still a plain object, so any other transport sends it as usual. A marked object
// must not change after it is marked.
const known = new WeakMap<object, string | (() => string)>();

/** `value`, whose JSON text is made by JSON.stringify on its first encoding and then kept. */
export function encodedOnce<T extends object>(value: T): T {
  if (!known.has(value)) known.set(value, () => JSON.stringify(value));
  return value;
}

/** `value`, whose JSON text `json` makes (equal to JSON.stringify(value)), when it is encoded. */
export function encodedBy<T extends object>(value: T, json: () => string): T {
  known.set(value, json);
  return value;
}

/** The JSON text of a marked reply (made now when not yet made), or undefined for a reply not marked. */
export function knownJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = known.get(value);
  if (entry === undefined || typeof entry === 'string') return entry;
  const json = entry();
  known.set(value, json);
  return json;
}
