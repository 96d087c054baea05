// Markdown for schema entries, shared by hover and completion so both say the same thing.
import type { AttributeSchema, BlockSchema, ValueType } from '../schema/types';

export const DOCS_BASE = 'https://developer.hashicorp.com/nomad/docs/';

export function docLink(docPath: string | undefined): string {
  return docPath ? `[Nomad documentation](${DOCS_BASE}${docPath})` : '';
}

export function typeName(type: ValueType): string {
  switch (type.kind) {
    case 'list':
      return `list(${typeName(type.element)})`;
    case 'map':
      return `map(${typeName(type.element)})`;
    case 'object':
      return `object({ ${Object.entries(type.attributes).map(([k, v]) => `${k} = ${typeName(v)}`).join(', ')} })`;
    case 'number':
      return type.integer ? 'number (whole)' : 'number';
    case 'duration':
      return 'duration (e.g. "30s", "1h30m")';
    default:
      return type.kind;
  }
}

/** A short one-line summary for completion details. */
export function attributeDetail(schema: AttributeSchema): string {
  const parts = [typeName(schema.type)];
  if (schema.required) parts.push('required');
  if (schema.default !== undefined) parts.push(`default ${schema.default}`);
  return parts.join(' · ');
}

function quoteValue(value: string): string {
  return value === '' ? '`""`' : `\`"${value}"\``;
}

export function attributeMarkdown(name: string, schema: AttributeSchema, where: string, fallbackDocPath?: string): string {
  const lines: string[] = [];
  lines.push(`**\`${name}\`** — attribute of ${where}`);
  lines.push('');
  if (schema.doc) lines.push(schema.doc, '');
  const facts: string[] = [`Type: \`${typeName(schema.type)}\``];
  facts.push(schema.required ? 'Required' : 'Optional');
  if (schema.default !== undefined) facts.push(`Default: \`${schema.default}\``);
  if (schema.min !== undefined || schema.max !== undefined) {
    facts.push(`Range: ${schema.min ?? '…'} to ${schema.max ?? '…'}`);
  }
  lines.push(facts.join(' · '));
  if (schema.values && schema.values.length > 0) {
    lines.push('', 'Allowed values:');
    for (const value of schema.values) lines.push(`- ${quoteValue(value.value)}: ${value.doc}`);
  }
  if (schema.valuePattern) lines.push('', `Also: ${schema.valuePattern.description}`);
  if (schema.deprecated) lines.push('', `**${schema.removed ? 'Removed' : 'Deprecated'}:** ${schema.deprecated}`);
  const link = docLink(schema.docPath ?? fallbackDocPath);
  if (link) lines.push('', link);
  return lines.join('\n');
}

export function blockMarkdown(type: string, schema: BlockSchema, where: string): string {
  const lines: string[] = [];
  lines.push(`**\`${type}\`** — block${where ? ` in ${where}` : ''}`);
  lines.push('');
  if (schema.doc) lines.push(schema.doc, '');
  const facts: string[] = [];
  if (schema.labels?.length) facts.push(`Labels: ${schema.labels.map((l) => `\`${l.name}\``).join(', ')}`);
  if (schema.maxItems === 1) facts.push('At most once');
  if (schema.minItems) facts.push(`At least ${schema.minItems}`);
  if (schema.alsoAttribute) facts.push(`May also be written as \`${type} = { ... }\``);
  if (facts.length) lines.push(facts.join(' · '));
  if (schema.body !== 'driverConfig') {
    const required = Object.entries(schema.body.attributes).filter(([, a]) => a.required).map(([n]) => `\`${n}\``);
    if (required.length) lines.push('', `Requires: ${required.join(', ')}`);
  }
  if (schema.deprecated) lines.push('', `**${schema.removed ? 'Removed' : 'Deprecated'}:** ${schema.deprecated}`);
  const link = docLink(schema.docPath);
  if (link) lines.push('', link);
  return lines.join('\n');
}

/** "`config` (exec)" style description of where something sits. */
export function whereOf(path: readonly string[], driverName?: string): string {
  if (path.length === 0) return 'the file';
  const last = path[path.length - 1];
  return last === 'config' && driverName ? `\`config\` (${driverName})` : `\`${last}\``;
}
