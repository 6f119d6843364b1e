#!/usr/bin/env node
import { runCli } from './run-cli.js';

// A reader that stops early (`inferbench run | head -1`) closes the pipe: what is left to print is dropped, and the
// run goes on to write its result files and exit with its own status.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
