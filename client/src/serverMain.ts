// Entry of the bundled language server (dist/server.js), forked by the client with IPC.
import { startServer } from '../../server/src/server';

process.on('uncaughtException', (error) => process.stderr.write(`nomad-exec server: uncaught ${error.stack ?? error}\n`));
startServer();
