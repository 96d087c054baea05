// Entry of the bundled language server (dist/server.js), started by the client with `--stdio`: over stdio
// the transport is ours (server/src/stdioTransport.ts: each message written in one chunk, a large publish or
// diagnostic answer encoded from remembered pieces). Any other argument leaves the transport to the library.
import { startServer } from '../../server/src/server';
import { startStdioServer } from '../../server/src/stdioTransport';

process.on('uncaughtException', (error) => process.stderr.write(`nomad-exec server: uncaught ${error.stack ?? error}\n`));
if (process.argv.includes('--stdio')) startStdioServer();
else startServer();
