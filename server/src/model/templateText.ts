// The text a template block's `data` hands to the template engine, as Nomad builds it: HCL `${...}` is
// evaluated first (the values known while editing are filled in), `$${` and `%%{` are already plain `${` and
// `%{`, escapes of quoted strings resolved and `<<-` indentation removed. Each character remembers where it
// was written, so a problem the engine finds is reported at the exact line and column of the job file.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Evaluator } from './eval';
import type { Expr, LiteralSource, TemplatePart } from './types';
import { knownString } from '../schema/runtimeQuery';

export interface TemplateText {
  text: string;
  /** Where the template text's character at `offset` was written (the end of the data for text.length). */
  positionAt(offset: number): Position;
  /** A job-file range for [from, to) of the template text. */
  rangeOf(from: number, to: number): Range;
  /** The template-text offset written at `position`, or -1 when it is not in a literal part. */
  offsetAt(position: Position): number;
  /** Spans of the text standing for something not known while editing (`${var.x}` of unknown value, `%{ if }`). */
  unknown: readonly (readonly [number, number])[];
  /** Spans of the text that are the known value of an HCL `${...}` (not written where they appear). */
  computed: readonly (readonly [number, number])[];
}

/** The template text of `data`, or undefined when it is not a string or template. */
export function templateText(data: Expr, evaluator?: Evaluator): TemplateText | undefined {
  if (data.kind !== 'template' && data.kind !== 'literal') return undefined;
  if (data.kind === 'literal') {
    if (typeof data.value !== 'string') return undefined;
    const source = data.raw === undefined ? undefined : { raw: data.raw, quoted: true, indent: 0, atLineStart: false };
    return build([{ kind: 'literal', text: data.value, range: data.range, ...(source ? { source } : {}) }], evaluator, true);
  }
  return build(data.parts, evaluator, false);
}

function build(parts: readonly TemplatePart[], evaluator: Evaluator | undefined, bareLiteral: boolean): TemplateText {
  let text = '';
  const unknown: [number, number][] = [];
  const computed: [number, number][] = [];
  /** The known value of each part that is not a literal, in order (undefined: not known). */
  const values: (string | undefined)[] = [];
  for (const part of parts) {
    if (part.kind === 'literal') {
      text += part.text;
      continue;
    }
    const value = part.kind === 'interpolation' ? knownString(part.expr, evaluator) : undefined;
    values.push(value);
    if (value === undefined) {
      unknown.push([text.length, text.length]);
      continue;
    }
    if (value.length > 0) computed.push([text.length, text.length + value.length]);
    text += value;
  }
  const end = parts.length ? parts[parts.length - 1].range.end : { line: 0, character: 0 };
  // Where each character was written: made when first asked for. The checks read the text on every edit of
  // its task but ask for a place only to report something, and a heredoc left open while typing makes the
  // text the rest of the file (a position object per character).
  let map: { positions: Position[]; ends: Position[] } | undefined;
  const mapped = (): { positions: Position[]; ends: Position[] } => (map ??= positionsOf(parts, values, bareLiteral));
  const positionAt = (offset: number): Position => {
    const { positions } = mapped();
    return positions[offset] ?? (offset >= positions.length ? end : { line: 0, character: 0 });
  };
  return {
    text,
    positionAt,
    rangeOf(from, to) {
      const start = positionAt(from);
      if (to <= from) return { start, end: start };
      // Just past where the last character was written (an escape such as `\"` is two characters there).
      return { start, end: mapped().ends[to - 1] ?? end };
    },
    offsetAt(position) {
      const { positions } = mapped();
      for (let i = 0; i < positions.length; i++) {
        const p = positions[i];
        if (p.line === position.line && p.character === position.character) return i;
      }
      // Just after the last character of a line (the cursor at the end of a word).
      for (let i = positions.length - 1; i >= 0; i--) {
        const p = positions[i];
        if (p.line === position.line && p.character + 1 === position.character) return i + 1;
      }
      return -1;
    },
    unknown,
    computed,
  };
}

/** The start and end position of each character of the text `build` made from these parts and values. */
function positionsOf(parts: readonly TemplatePart[], values: readonly (string | undefined)[], bareLiteral: boolean): { positions: Position[]; ends: Position[] } {
  const positions: Position[] = [];
  const ends: Position[] = [];
  let next = 0;
  for (const part of parts) {
    if (part.kind === 'literal') {
      // A bare literal's range includes its quotes.
      const start = bareLiteral ? { line: part.range.start.line, character: part.range.start.character + 1 } : part.range.start;
      const mapped = mapLiteral(part.text, part.source, start);
      for (const p of mapped.starts) positions.push(p);
      for (const p of mapped.ends) ends.push(p);
      continue;
    }
    const value = values[next++];
    if (value === undefined) continue;
    for (let i = 0; i < value.length; i++) {
      positions.push(part.range.start);
      ends.push(part.range.end);
    }
  }
  return { positions, ends };
}

/** The source position of each character of a literal's text. */
function mapLiteral(text: string, source: LiteralSource | undefined, start: Position): { starts: Position[]; ends: Position[] } {
  const rawPositions = (raw: string): Position[] => {
    const out: Position[] = [];
    let line = start.line;
    let character = start.character;
    for (let i = 0; i < raw.length; i++) {
      out.push({ line, character });
      if (raw.charCodeAt(i) === 10) {
        line++;
        character = 0;
      } else character++;
    }
    return out;
  };
  if (!source) {
    const starts = rawPositions(text);
    return { starts, ends: starts.map((p, i) => (text.charCodeAt(i) === 10 ? { line: p.line + 1, character: 0 } : { line: p.line, character: p.character + 1 })) };
  }
  const raw = source.raw;
  const at = rawPositions(raw);
  // First `<<-` indentation, then the escapes, as the model builds the text.
  let stripped = '';
  let index: number[] = [];
  let lineStart = source.atLineStart;
  for (let i = 0; i < raw.length; ) {
    if (lineStart && source.indent > 0) {
      let n = 0;
      while (n < source.indent && (raw[i + n] === ' ' || raw[i + n] === '\t')) n++;
      i += n;
      lineStart = false;
      continue;
    }
    stripped += raw[i];
    index.push(i);
    if (raw[i] === '\n') lineStart = true;
    i++;
  }
  let out = '';
  const outIndex: number[] = [];
  /** The raw offset just past each character's source (an escape is wider than what it stands for). */
  const outEnd: number[] = [];
  for (let i = 0; i < stripped.length; i++) {
    const c = stripped[i];
    if (source.quoted && c === '\\' && i + 1 < stripped.length) {
      const n = stripped[i + 1];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (n in simple) {
        out += simple[n];
        outIndex.push(index[i]);
        outEnd.push(index[i + 1] + 1);
        i++;
        continue;
      }
      if (n === 'u' || n === 'U') {
        const len = n === 'u' ? 4 : 8;
        const hex = stripped.slice(i + 2, i + 2 + len);
        if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
          const code = parseInt(hex, 16);
          const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
          for (let k = 0; k < ch.length; k++) {
            out += ch[k];
            outIndex.push(index[i]);
            outEnd.push(index[i + 1 + len] + 1);
          }
          i += 1 + len;
          continue;
        }
      }
      out += c + n;
      outIndex.push(index[i], index[i + 1]);
      outEnd.push(index[i] + 1, index[i + 1] + 1);
      i++;
      continue;
    }
    if ((c === '$' || c === '%') && stripped[i + 1] === c && stripped[i + 2] === '{') {
      out += c + '{';
      outIndex.push(index[i], index[i + 2]);
      outEnd.push(index[i + 1] + 1, index[i + 2] + 1);
      i += 2;
      continue;
    }
    out += c;
    outIndex.push(index[i]);
    outEnd.push(index[i] + 1);
  }
  index = outIndex;
  // `${~ x}` strip markers may have trimmed white space at either end since.
  const shift = out === text || out.startsWith(text) ? 0 : out.length - out.replace(/^\s+/, '').length;
  const starts: Position[] = [];
  const ends: Position[] = [];
  const after = (past: number): Position => {
    const p = at[past - 1] ?? at[at.length - 1] ?? start;
    return raw.charCodeAt(past - 1) === 10 ? { line: p.line + 1, character: 0 } : { line: p.line, character: p.character + 1 };
  };
  for (let k = 0; k < text.length; k++) {
    starts.push(at[index[k + shift]] ?? at[at.length - 1] ?? start);
    ends.push(after(outEnd[k + shift] ?? raw.length));
  }
  return { starts, ends };
}
