// Reading an artifact `source` the way go-getter does: a forced getter prefix (`git::`, `s3::` ...),
// well-known hosts that imply one, options in the query string (`checksum`, `archive`), and the archive type
// from the file name. Only http(s) and local paths are fetched locally; the rest is a clear error.
import * as path from 'path';

export type ArchiveType = 'tar' | 'tar.gz' | 'tar.bz2' | 'tar.xz' | 'zip' | 'gz' | 'bz2' | 'xz';

export interface ParsedSource {
  kind: 'http' | 'file';
  /** URL for http(s), absolute host path for files. */
  location: string;
  /** `checksum=` from the query string, when present. */
  checksum?: string;
  /** `archive=false` in the query string. */
  archiveDisabled?: boolean;
  /** `archive=<type>` forcing the type. */
  archiveForced?: string;
  /** The last path element, used as the file name for downloads. */
  baseName: string;
}

export class UnsupportedSourceError extends Error {
  constructor(
    message: string,
    readonly scheme: string,
  ) {
    super(message);
  }
}

const FORCED = /^([A-Za-z0-9]+)::/;
/** Hosts go-getter turns into another getter without a prefix. */
const HOST_DETECTORS: { pattern: RegExp; getter: string }[] = [
  { pattern: /^(https?:\/\/)?(www\.)?github\.com\/[^/]+\/[^/]+(\.git)?\/?$/, getter: 'git' },
  { pattern: /^(https?:\/\/)?(www\.)?gitlab\.com\/[^/]+\/[^/]+(\.git)?\/?$/, getter: 'git' },
  { pattern: /^(https?:\/\/)?bitbucket\.org\//, getter: 'git' },
  { pattern: /^git@/, getter: 'git' },
  // Written without a scheme, these hosts mean the S3/GCS getters. With https:// we fetch them over plain
  // https (public objects), where go-getter would use the cloud SDK.
  { pattern: /^[^/:]*s3[.-]([a-z0-9-]+\.)?amazonaws\.com\//, getter: 's3' },
  { pattern: /^www\.googleapis\.com\/storage\//, getter: 'gcs' },
  { pattern: /^storage\.googleapis\.com\//, getter: 'gcs' },
];

/** Parses a source; relative local paths start at `baseDir`. Throws UnsupportedSourceError. */
export function parseSource(source: string, baseDir: string): ParsedSource {
  const forced = FORCED.exec(source);
  if (forced && !['http', 'https', 'file'].includes(forced[1].toLowerCase())) {
    throw new UnsupportedSourceError(`artifact source ${JSON.stringify(source)} uses the "${forced[1]}::" getter, which a local run cannot fetch (only http, https and local paths)`, forced[1]);
  }
  const body = forced ? source.slice(forced[0].length) : source;
  for (const detector of HOST_DETECTORS) {
    if (detector.pattern.test(body) && !forced) {
      throw new UnsupportedSourceError(`artifact source ${JSON.stringify(source)} is fetched with go-getter's "${detector.getter}" getter, which a local run cannot use (only http, https and local paths)`, detector.getter);
    }
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(body)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https' && scheme !== 'file') {
    throw new UnsupportedSourceError(`artifact source ${JSON.stringify(source)} has the scheme "${scheme}", which a local run cannot fetch (only http, https and local paths)`, scheme);
  }
  // Query options go-getter reads and removes before fetching.
  const { rest, query } = splitQuery(body);
  const checksum = query.get('checksum') ?? undefined;
  const archive = query.get('archive') ?? undefined;
  query.delete('checksum');
  query.delete('archive');
  const remaining = query.toString();
  const location = rest + (remaining ? `?${remaining}` : '');
  if (scheme === 'http' || scheme === 'https') {
    const url = new URL(location);
    return { kind: 'http', location, checksum, archiveDisabled: archive === 'false', archiveForced: archive && archive !== 'false' ? archive : undefined, baseName: path.posix.basename(decodeURIComponent(url.pathname)) || 'download' };
  }
  const filePath = scheme === 'file' ? decodeURIComponent(new URL(rest).pathname) : rest;
  const absolute = path.resolve(baseDir, filePath);
  return { kind: 'file', location: absolute, checksum, archiveDisabled: archive === 'false', archiveForced: archive && archive !== 'false' ? archive : undefined, baseName: path.basename(absolute) };
}

function splitQuery(body: string): { rest: string; query: URLSearchParams } {
  const q = body.indexOf('?');
  if (q < 0) return { rest: body, query: new URLSearchParams() };
  return { rest: body.slice(0, q), query: new URLSearchParams(body.slice(q + 1)) };
}

/** go-getter's decompressor choice by file name suffix. */
export function archiveTypeOf(name: string, forced?: string): ArchiveType | undefined {
  const lower = (forced ? `x.${forced}` : name).toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar.bz2') || lower.endsWith('.tbz2')) return 'tar.bz2';
  if (lower.endsWith('.tar.xz') || lower.endsWith('.txz')) return 'tar.xz';
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.gz')) return 'gz';
  if (lower.endsWith('.bz2')) return 'bz2';
  if (lower.endsWith('.xz')) return 'xz';
  return undefined;
}

/** Splits `md5:abc...` into algorithm and hex; throws on anything else. */
export function parseChecksum(text: string): { algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512'; hex: string } {
  const m = /^(md5|sha1|sha256|sha512):([0-9a-fA-F]+)$/.exec(text.trim());
  if (!m) throw new Error(`artifact checksum ${JSON.stringify(text)} is not "<md5|sha1|sha256|sha512>:<hex>"`);
  const lengths = { md5: 32, sha1: 40, sha256: 64, sha512: 128 } as const;
  const algorithm = m[1] as keyof typeof lengths;
  if (m[2].length !== lengths[algorithm]) throw new Error(`artifact checksum ${JSON.stringify(text)}: a ${algorithm} sum has ${lengths[algorithm]} hex digits`);
  return { algorithm, hex: m[2].toLowerCase() };
}
