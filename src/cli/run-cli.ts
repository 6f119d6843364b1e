import { stripVTControlCharacters } from 'node:util';
import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty';
import { InferbenchError, type InferbenchErrorCode } from '../core/errors.js';
import { INFERBENCH_VERSION } from '../hardware/environment.js';
import { checkCommand } from './check-command.js';
import { compareCommand } from './compare-command.js';
import { compileCommand } from './compile-command.js';
import { envCommand } from './env-command.js';
import { mergeCommand } from './merge-command.js';
import { runCommand as benchmarkCommand } from './run-command.js';
import { sweepCommand } from './sweep-command.js';

const main = defineCommand({
  meta: { name: 'inferbench', version: INFERBENCH_VERSION, description: 'Benchmark ML inference on CPUs, GPUs and AWS Inferentia/Trainium' },
  subCommands: { run: benchmarkCommand, compile: compileCommand, check: checkCommand, env: envCommand, sweep: sweepCommand, compare: compareCommand, merge: mergeCommand },
});

/** Commands whose own flags `<command> --help` lists. */
const COMMANDS: Record<string, CommandDef> = {
  run: benchmarkCommand as CommandDef,
  compile: compileCommand as CommandDef,
  check: checkCommand as CommandDef,
  env: envCommand as CommandDef,
  sweep: sweepCommand as CommandDef,
  compare: compareCommand as CommandDef,
  merge: mergeCommand as CommandDef,
};

/** Exit status of a user error (bad flag, bad model), as opposed to a failure while running (1). */
const USAGE_EXIT_CODE = 2;

const EXIT_CODES: Record<InferbenchErrorCode, number> = {
  INVALID_OPTION: USAGE_EXIT_CODE,
  MODEL_NOT_FOUND: USAGE_EXIT_CODE,
  ACCESS_DENIED: USAGE_EXIT_CODE,
  MODEL_INVALID: USAGE_EXIT_CODE,
  INPUT_MISMATCH: USAGE_EXIT_CODE,
  COMPILE_FAILED: 1,
  WORKER_FAILED: 1,
  DOWNLOAD_FAILED: 1,
  RESULT_INVALID: USAGE_EXIT_CODE,
  // The shell's convention for a process ended by SIGINT.
  ABORTED: 130,
};

/** Top-level help: the commands, then the flags of `run`, the main job. */
async function usage(command?: CommandDef): Promise<string> {
  const text = command
    ? await renderUsage(command, main)
    : `${await renderUsage(main)}\n\n${await renderUsage(benchmarkCommand as CommandDef, main)}`;
  // citty colours unconditionally; pipes and files get plain text.
  return `${process.stdout.isTTY ? text : stripVTControlCharacters(text)}\n`;
}

/**
 * Runs the CLI on `rawArgs` and returns the exit status. User errors print one line, no stack;
 * the process is never exited from here, so a leftover worker would show as a hang in tests.
 */
export async function runCli(rawArgs: readonly string[]): Promise<number> {
  const args = [...rawArgs];
  try {
    if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
      process.stdout.write(await usage());
      return args.length === 0 ? USAGE_EXIT_CODE : 0;
    }
    if (args[0] === '--version' || args[0] === '-v') {
      process.stdout.write(`${INFERBENCH_VERSION}\n`);
      return 0;
    }
    const command = COMMANDS[args[0]!];
    if (!command) {
      // citty names the unknown command.
      await runCommand(main, { rawArgs: args });
      return 0;
    }
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(await usage(command));
      return 0;
    }
    // Run directly, as citty drops a subcommand's return value: a number is the exit status (check: 1 on a failed output).
    const { result } = await runCommand(command, { rawArgs: args.slice(1) });
    return typeof result === 'number' ? result : 0;
  } catch (error) {
    if (error instanceof InferbenchError) {
      process.stderr.write(`inferbench: ${error.message}\n`);
      return EXIT_CODES[error.code];
    }
    // citty's own errors: unknown command, missing argument.
    if (error instanceof Error && error.name === 'CLIError') {
      process.stderr.write(`inferbench: ${stripVTControlCharacters(error.message)}; run 'inferbench --help' for the commands\n`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}
