// Replies whose JSON a feature can make more cheaply than JSON.stringify of the whole reply, or that it hands
// out more than once (the references of one name while the file does not change): the feature marks the
// reply object here, and the stdio transport (stdioTransport.ts) asks for its UTF-8 bytes when it encodes the
// response. The reply is still a plain object, so any other transport sends it as usual. A marked object
// must not change after it is marked.
type Known = string | Uint8Array | (() => string | Uint8Array);

const known = new WeakMap<object, Known>();

/** `value`, whose JSON is made by JSON.stringify on its first encoding and then kept. */
export function encodedOnce<T extends object>(value: T): T {
  if (!known.has(value)) known.set(value, () => JSON.stringify(value));
  return value;
}

/**
 * `value`, whose JSON `json` makes when it is encoded: its text (equal to JSON.stringify(value)) or, cheaper
 * for a large reply put together from pieces, that text's UTF-8 bytes.
 */
export function encodedBy<T extends object>(value: T, json: () => string | Uint8Array): T {
  known.set(value, json);
  return value;
}

/**
 * The UTF-8 bytes of a marked reply's JSON (made now when not yet made, then kept), or undefined for a reply
 * not marked.
 */
export function knownBytes(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let entry = known.get(value);
  if (entry === undefined) return undefined;
  if (typeof entry === 'function') entry = entry();
  const bytes = typeof entry === 'string' ? Buffer.from(entry, 'utf-8') : entry;
  known.set(value, bytes);
  return bytes;
}
