// Lays the run header out for a terminal of a given width: a label column, then the value wrapped between
// words (items of a list end with their separator, so a list wraps between items). A word is never split,
// except a path longer than a whole line, which breaks after a `/`; only a word with no such place and
// longer than a line is cut. Pure: the terminal's width in, lines with colours out.
import { bold, dim, green, red, yellow } from './ansi';

export type Style = 'bold' | 'dim' | 'yellow' | 'red' | 'green';

/** One piece of a value: a list entry, a phrase. */
export interface Item {
  text: string;
  style?: Style;
  /** Kept on one line when it fits in the value column (a clickable phrase). */
  whole?: boolean;
}

export interface Row {
  /** The label column; a row without one starts at column 0 (the title). */
  label?: string;
  items: Item[];
  /** Between items; its trailing space is where a line may break. Default ", ". */
  separator?: string;
  /** Columns before a row without a label (a heading inside the header). */
  indent?: number;
}

const INDENT = 2;
const LABEL_WIDTH = 13;
/** Below this many columns for the value, the label goes on its own line and the value under it. */
const MIN_VALUE_WIDTH = 24;
/** Narrower terminals are laid out as if this wide (the terminal wraps what is left). */
const MIN_WIDTH = 16;

const styles: Record<Style, (text: string) => string> = { bold, dim, yellow, red, green };

interface Word {
  text: string;
  style?: Style;
}

export function layoutRows(rows: readonly Row[], width: number): string[] {
  const columns = Math.max(MIN_WIDTH, Math.floor(Number.isFinite(width) ? width : 80));
  return rows.flatMap((row) => layoutRow(row, columns));
}

function layoutRow(row: Row, width: number): string[] {
  if (row.label === undefined) {
    const lead = ' '.repeat(row.indent ?? 0);
    return wrap(words(row, width - lead.length), width, lead, lead + ' '.repeat(INDENT));
  }
  const valueColumn = INDENT + LABEL_WIDTH;
  const label = ' '.repeat(INDENT) + row.label;
  if (width - valueColumn >= MIN_VALUE_WIDTH && row.label.length < LABEL_WIDTH) {
    const first = dim(label) + ' '.repeat(valueColumn - label.length);
    return wrap(words(row, width - valueColumn), width, first, ' '.repeat(valueColumn), valueColumn);
  }
  const under = ' '.repeat(INDENT * 2);
  return [dim(label), ...wrap(words(row, width - under.length), width, under, under)];
}

/** The row's words: items split at spaces (unless kept whole), each item but the last ending with the separator. */
function words(row: Row, available: number): Word[] {
  const separator = row.separator ?? ', ';
  const glue = separator.trimEnd();
  const out: Word[] = [];
  row.items.forEach((item, i) => {
    const text = i < row.items.length - 1 ? item.text + glue : item.text;
    const pieces = item.whole && text.length <= available ? [text] : text.split(/ +/).filter((w) => w !== '');
    for (const piece of pieces) out.push({ text: piece, style: item.style });
  });
  return out;
}

/**
 * Greedy fill: a word goes on the current line when it fits after a space, else starts the next one. The
 * first line starts with `first` (already `startColumn` wide), later lines with `rest`. Neighbouring words
 * of one style are coloured as one run.
 */
function wrap(list: Word[], width: number, first: string, rest: string, startColumn = first.length): string[] {
  const lines: string[] = [];
  let lead = first;
  let line: Word[] = [];
  let column = startColumn;
  const newLine = (): void => {
    lines.push(lead + render(line));
    lead = rest;
    line = [];
    column = rest.length;
  };
  const put = (word: Word, space: boolean): void => {
    const last = line[line.length - 1];
    if (space && last && last.style === word.style) last.text += ` ${word.text}`;
    else {
      if (space) line.push({ text: ' ' });
      line.push({ ...word });
    }
    column += word.text.length + (space ? 1 : 0);
  };
  for (const word of list) {
    if (line.length > 0 && column + 1 + word.text.length <= width) {
      put(word, true);
      continue;
    }
    if (line.length > 0) newLine();
    const room = width - column;
    const pieces = word.text.length <= room ? [word.text] : breakWord(word.text, room);
    pieces.forEach((piece, i) => {
      if (i > 0) newLine();
      put({ text: piece, style: word.style }, false);
    });
  }
  if (line.length > 0 || lines.length === 0) lines.push(lead + render(line));
  return lines;
}

function render(line: Word[]): string {
  return line.map((w) => (w.style ? styles[w.style](w.text) : w.text)).join('');
}

/**
 * A word longer than a line: after a `/` where it can (a path), else after a `-`, `_` or `.` (a UUID, a
 * file name), and cut only where none of these helps.
 */
export function breakWord(word: string, room: number): string[] {
  const size = Math.max(1, room);
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > size) {
    const slash = rest.lastIndexOf('/', size - 1);
    const joint = Math.max(rest.lastIndexOf('-', size - 1), rest.lastIndexOf('_', size - 1), rest.lastIndexOf('.', size - 1));
    const cut = slash > 0 ? slash + 1 : joint > 0 ? joint + 1 : size;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

/** One line, cut at a word with an ellipsis when it is wider than the terminal. */
export function fitLine(text: string, width: number): string {
  const columns = Math.max(MIN_WIDTH, Math.floor(width));
  if (text.length <= columns) return text;
  const room = text.lastIndexOf(' ', columns - 1);
  return `${text.slice(0, room > 0 ? room : columns - 1).trimEnd()}…`;
}
