// The host the server runs on (see types.ts). This module picks the Node host; the browser bundle resolves
// './nodeHost' to './browserHost' instead (scripts/build-extension.mjs), so no Node built-in reaches it.
import { platformHost } from './nodeHost';
import type { ServerHost } from './types';

export type { HashAlgorithm, HostFs, ParserWasmOptions, ServerHost } from './types';

export const host: ServerHost = platformHost;
