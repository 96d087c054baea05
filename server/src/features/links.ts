// Document links, driven by the schema: an attribute marked `link: 'address'` (artifact and template
// `source`) opens its URL or the file next to the job, a literal `file("...")` path opens that file, and
// each block type known to the schema links to its documentation page (BlockSchema.docPath).
import * as path from 'node:path';
import { host } from '../host';
import type { DocumentLink, Range } from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import type { Body, Expr } from '../model/types';
import { childAttribute, childBlock, ROOT } from '../schema/lookup';
import { FREE_FORM } from '../schema/build';
import type { BlockSchema, BodySchema } from '../schema/types';
import { documentHandler, type FeatureInput } from './featureInput';
import { pathKindSoon } from '../checks/machine';

const DOCS = 'https://developer.hashicorp.com/nomad/docs/';

/** Links are answered for at most this many blocks: a huge generated job gets its first ones. */
const MAX_LINKS = 5000;

/** A link to a file next to the job, made only if it is a regular file there. */
interface FileLink {
  link: DocumentLink;
  file: string;
}

/**
 * The links of a document. Files are looked at off the thread (checks/machine.ts): a job beside a hung
 * mount gets its other links, and the server goes on answering meanwhile.
 */
async function documentLinks(input: FeatureInput): Promise<DocumentLink[]> {
  const dir = jobFolder(input.document.uri);
  const links: DocumentLink[] = [];
  const files: FileLink[] = [];
  const fileLink = (range: Range, file: string): void => {
    const link: DocumentLink = { range, target: host.pathToFileUrl(file), tooltip: 'Open the file next to the job' };
    links.push(link);
    files.push({ link, file });
  };
  const walk = (body: Body, schema: BodySchema): void => {
    for (const item of body.items) {
      if (links.length >= MAX_LINKS) return;
      if (item.kind === 'attribute') {
        const attribute = schema === FREE_FORM ? undefined : childAttribute(schema, item.name);
        if (attribute?.link === 'address') {
          const found = stringValue(item.value);
          const target = found && addressTarget(found.value, dir);
          if (found && target?.url) links.push({ range: found.range, target: target.url, tooltip: 'Open the address' });
          else if (found && target?.file) fileLink(found.range, target.file);
        }
        fileCalls(item.value, dir, fileLink);
        continue;
      }
      const blockSchema = item.type === 'dynamic' ? childBlock(schema, item.dynamic?.blockType ?? '') : childBlock(schema, item.type);
      if (blockSchema?.docPath) links.push({ range: item.typeRange, target: DOCS + blockSchema.docPath, tooltip: `Nomad documentation: ${item.type}` });
      const inner = bodyOf(blockSchema);
      walk(item.body, inner);
      if (item.dynamic?.content && !item.body.items.some((i) => i.kind === 'block' && i.body === item.dynamic?.content)) walk(item.dynamic.content, inner);
    }
  };
  walk(input.file.body, ROOT);
  if (files.length === 0) return links;
  const kinds = await Promise.all(files.map((f) => pathKindSoon(f.file)));
  const absent = new Set(files.filter((_, i) => kinds[i] !== 'file').map((f) => f.link));
  return absent.size ? links.filter((link) => !absent.has(link)) : links;
}

function bodyOf(schema: BlockSchema | undefined): BodySchema {
  return schema && schema.body !== 'driverConfig' ? schema.body : FREE_FORM;
}

function jobFolder(uri: string): string | undefined {
  try {
    const file = host.fileUrlToPath(uri);
    return file === undefined ? undefined : path.dirname(file);
  } catch {
    return undefined;
  }
}

function stringValue(expr: Expr): { value: string; range: Range } | undefined {
  if (expr.kind === 'literal' && typeof expr.value === 'string') {
    return { value: expr.value, range: { start: { line: expr.range.start.line, character: expr.range.start.character + 1 }, end: { line: expr.range.end.line, character: expr.range.end.character - 1 } } };
  }
  if (expr.kind === 'template' && !expr.heredoc && expr.parts.length === 1 && expr.parts[0].kind === 'literal') return { value: expr.parts[0].text, range: expr.parts[0].range };
  return undefined;
}

/**
 * Where an address points: a URL as it is (a go-getter `git::` or similar forcing prefix, `?query` options
 * and `//subdir` kept out), `github.com/...` as https, and a relative path as the file next to the job when
 * it exists there.
 */
function addressTarget(address: string, dir: string | undefined): { url: string; file?: undefined } | { file: string; url?: undefined } | undefined {
  let value = address.trim().replace(/^[a-z0-9]+::/i, '');
  if (/^(https?|ftp):\/\//i.test(value)) {
    // go-getter options (`?archive=zip`, `?checksum=...`) and `//subdir` are not part of the address.
    const [address, query = ''] = value.split('?', 2);
    const scheme = address.indexOf('://') + 3;
    const subdir = address.indexOf('//', scheme);
    const base = subdir >= 0 ? address.slice(0, subdir) : address;
    const kept = query.split('&').filter((p) => p && !/^(archive|checksum|ref|sshkey|depth|filename)=/.test(p));
    return { url: kept.length ? `${base}?${kept.join('&')}` : base };
  }
  if (/^(github\.com|gitlab\.com|bitbucket\.org)\//.test(value)) return { url: 'https://' + value.replace(/\?.*$/, '') };
  if (!dir || /^[a-z]+:/i.test(value) || value.includes('${')) return undefined;
  return { file: path.resolve(dir, value.replace(/\?.*$/, '')) };
}

/** `file("x.tpl")` and friends with a literal path: the file next to the job. */
function fileCalls(expr: Expr, dir: string | undefined, fileLink: (range: Range, file: string) => void): void {
  if (!dir) return;
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'call': {
        if ((e.name === 'file' || e.name === 'fileexists') && e.args[0]) {
          const found = stringValue(e.args[0]);
          const target = found && addressTarget(found.value, dir);
          if (found && target?.file) fileLink(found.range, target.file);
        }
        e.args.forEach(visit);
        return;
      }
      case 'template':
        for (const part of e.parts) if (part.kind !== 'literal') visit(part.expr);
        return;
      case 'tuple':
        e.items.forEach(visit);
        return;
      case 'object':
        e.items.forEach((i) => visit(i.value));
        return;
      case 'conditional':
        visit(e.condition);
        visit(e.then);
        visit(e.else);
        return;
      case 'parens':
        return visit(e.inner);
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      default:
        return;
    }
  };
  visit(expr);
}

export const linksFeature: Feature = {
  name: 'documentLinks',
  capabilities: () => ({ documentLinkProvider: { resolveProvider: false } }),
  register(ctx) {
    ctx.connection.onDocumentLinks(documentHandler(ctx, 'documentLink', [] as DocumentLink[], (input) => documentLinks(input)));
  },
};

