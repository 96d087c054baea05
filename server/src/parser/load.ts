// Loads web-tree-sitter and the HCL grammar exactly once per process. The host finds both wasm files: in
// Node next to their npm packages, or copies named by options or environment variables
// (NOMAD_EXEC_TREE_SITTER_WASM, NOMAD_EXEC_HCL_WASM; see host/nodeHost.ts); in a browser, fetched from the
// extension's folder.
import { Language, Parser } from 'web-tree-sitter';
import { host, type ParserWasmOptions } from '../host';

export type LoadOptions = ParserWasmOptions;

let loading: Promise<Language> | undefined;

/**
 * The cursor functions of web-tree-sitter's wasm runtime, as its own TreeCursor calls them. Each TreeCursor
 * call copies the cursor's four words into a shared transfer buffer and back through a DataView and a
 * type-string switch per word; on a 1 MB job the model builder makes about 1.4 million such calls, and that
 * copying was most of their cost. model/syntax.ts calls these directly (FastCursor), with typed-array copies.
 * Not part of web-tree-sitter's published API: `cursorFunctions()` is undefined unless every function is
 * there, and the builder then goes through TreeCursor.
 */
export interface CursorRuntime {
  /** The runtime's memory as 32-bit words; replaced when the memory grows, so read it anew after each call. */
  readonly HEAP32: Int32Array;
  /** The transfer buffer's address (see TRANSFER_BUFFER in web-tree-sitter). */
  readonly transfer: number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_goto_descendant_wasm(tree: number, index: number): void;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_descendant_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_start_position_wasm(tree: number): void;
  _ts_tree_cursor_end_position_wasm(tree: number): void;
}

const CURSOR_FUNCTIONS = [
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_goto_descendant_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_descendant_index_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_start_position_wasm',
  '_ts_tree_cursor_end_position_wasm',
] as const;

let cursorRuntime: CursorRuntime | undefined;

/** The runtime's cursor functions once the language is loaded (undefined: not loaded, or not recognised). */
export function cursorFunctions(): CursorRuntime | undefined {
  return cursorRuntime;
}

/**
 * Emscripten's module factory builds the module on the options object it is given, so that object ends up
 * holding the runtime's exports and memory views.
 */
function recognise(module: Record<string, unknown>): CursorRuntime | undefined {
  if (!(module.HEAP32 instanceof Int32Array) || typeof module._ts_init !== 'function') return undefined;
  // The runtime's memory is little-endian; an Int32Array reads it so only on a little-endian host.
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) return undefined;
  for (const name of CURSOR_FUNCTIONS) if (typeof module[name] !== 'function') return undefined;
  // ts_init only writes the library's version numbers into the buffer and returns its address.
  const transfer = (module._ts_init as () => number)();
  if (!Number.isInteger(transfer) || transfer <= 0 || transfer % 4 !== 0) return undefined;
  return Object.assign(module, { transfer }) as unknown as CursorRuntime;
}

/** The HCL language, loaded on first use; later calls share the same promise. */
export function loadHclLanguage(options: LoadOptions = {}): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      const wasm = await host.parserWasm(options);
      const runtime = wasm.runtimePath;
      // Given as bytes, the runtime still asks locateFile for a name (which it then does not fetch).
      const module: Record<string, unknown> = {};
      if (wasm.runtimeBytes) Object.assign(module, { wasmBinary: wasm.runtimeBytes, locateFile: () => 'tree-sitter.wasm' });
      else if (runtime) module.locateFile = () => runtime;
      await Parser.init(module as Parameters<typeof Parser.init>[0]);
      const language = await Language.load(wasm.grammar);
      cursorRuntime = recognise(module);
      return language;
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
