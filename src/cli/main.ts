#!/usr/bin/env node
import { killAllChildren } from '../core/child-process.js';
import { runCli } from './run-cli.js';

// A reader that stops early (`inferbench run | head -1`) closes the pipe: what is left to print is dropped, and the
// run goes on to write its result files and exit with its own status.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
// A helper still running now was left by cancelled work (the machine's description, which a Ctrl-C stops waiting
// for): end it, so that the process exits now rather than when the helper's own time is up.
killAllChildren();
