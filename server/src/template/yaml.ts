// A small YAML emitter for `toYAML`: block style, keys sorted (as Go's yaml marshals maps), strings quoted
// only when plain style would change their meaning.
import { NO_VALUE, TemplateValue } from './values';

export function toYaml(value: TemplateValue, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value
      .map((item) => {
        if (isBlock(item)) return `${pad}-\n${toYaml(item, indent + 2)}`.replace(/^(\s*)-\n\s*/, '$1- ');
        return `${pad}- ${scalar(item)}\n`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}\n';
    return keys
      .map((key) => {
        const item = value[key];
        if (isBlock(item)) return `${pad}${scalar(key)}:\n${toYaml(item, Array.isArray(item) ? indent : indent + 2)}`;
        return `${pad}${scalar(key)}: ${isEmptyCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}\n`;
      })
      .join('');
  }
  return `${scalar(value)}\n`;
}

function isBlock(v: TemplateValue): boolean {
  return v !== null && typeof v === 'object' && !isEmptyCollection(v);
}

function isEmptyCollection(v: TemplateValue): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length === 0;
}

function scalar(v: TemplateValue): string {
  if (v === null || v === undefined || v === NO_VALUE) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return JSON.stringify(v);
  const needsQuotes =
    v === '' ||
    /^[\s]|[\s]$/.test(v) ||
    /^(true|false|yes|no|on|off|null|~|y|n)$/i.test(v) ||
    /^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(v) ||
    /^[-?:,\[\]{}#&*!|>'"%@`]/.test(v) ||
    /: |\s#|\n/.test(v);
  return needsQuotes ? JSON.stringify(v) : v;
}
