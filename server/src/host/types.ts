// What the language server needs from the machine it runs on, in one place. The server is one
// implementation for two places: a Node process (the extension on desktop and remote hosts, the CLI) and a
// browser Web Worker (vscode.dev, github.dev), where there is no file system, no environment, no V8 heap
// statistics and no synchronous hashing. Code that would use Node's built-ins asks the host instead; where
// the browser host answers "not here" (undefined), that check, link or lookup is skipped, never reported as
// a problem and never a crash.
//
// Pure computations that Node happens to provide (`path` joins, `Buffer` base64) are not part of the host:
// the browser bundle maps them to pure-JavaScript copies (scripts/build-extension.mjs).
import type * as NodeFs from 'node:fs';

/** The parts of `node:fs` the server reads with. */
export type HostFs = Pick<
  typeof NodeFs,
  'readFileSync' | 'statSync' | 'lstatSync' | 'existsSync' | 'realpathSync' | 'openSync' | 'readlinkSync' | 'fstatSync' | 'closeSync' | 'readdirSync' | 'promises' | 'constants'
>;

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

export interface ParserWasmOptions {
  /** Path of web-tree-sitter's own tree-sitter.wasm. */
  runtimeWasm?: string;
  /** Path of tree-sitter-hcl.wasm. */
  grammarWasm?: string;
}

/** The parser's two wasm files: where the runtime is (or its bytes), and the grammar's bytes. */
export interface ParserWasm {
  runtimePath?: string;
  runtimeBytes?: Uint8Array;
  grammar: Uint8Array;
}

export interface HeapAccess {
  /**
   * Bytes used in V8's old space (or the whole heap), and by objects too large for a page (long texts, arrays
   * of many thousand items) once promoted: read together, as the server asks after every edit.
   */
  oldGenerationUsed(): { oldSpace: number; largeObjects: number };
  /** The process's resident memory in bytes. */
  residentBytes(): number;
  /**
   * V8's full collection, or undefined when it cannot be had. It may complete later (the promise says when):
   * Node's runs as a task of its own, outside any JavaScript (see nodeHost).
   */
  collector(): (() => void | Promise<void>) | undefined;
}

export interface ServerHost {
  readonly kind: 'node' | 'browser';
  /** This machine's files; undefined where the server sees no machine (the browser). */
  readonly fs: HostFs | undefined;
  /** The local path of a `file:` URI; undefined for other schemes and where files are out of reach. */
  fileUrlToPath(uri: string): string | undefined;
  /** The `file:` URI of a local path. */
  pathToFileUrl(path: string): string;
  /** An environment variable of the server's process; undefined where there is none. */
  env(name: string): string | undefined;
  /** Hex digest of `text` (UTF-8); undefined where no synchronous hash exists. */
  hash(algorithm: HashAlgorithm, text: string): string | undefined;
  /** V8's heap, for MemoryKeeper; undefined where it cannot be read. */
  readonly heap: HeapAccess | undefined;
  /** Loads the parser's wasm files. */
  parserWasm(options: ParserWasmOptions): Promise<ParserWasm>;
  /**
   * Asks for at least `count` threads for file work (libuv's pool), unless the process was told its own
   * number; only before any file work was done. Absent where there is no such pool (the browser).
   */
  reserveFileThreads?(count: number): void;
}
