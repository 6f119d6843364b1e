import { stripVTControlCharacters } from 'node:util';
import { runCommand, type ArgsDef, type CommandDef } from 'citty';
import { InferbenchError, type InferbenchErrorCode } from '../core/errors.js';
import { terminalSafe } from '../core/terminal-text.js';
import { INFERBENCH_VERSION } from '../hardware/environment.js';
import { checkCommand } from './check-command.js';
import { processIo, type CliIo } from './cli-io.js';
import { compareCommand } from './compare-command.js';
import { compileCommand } from './compile-command.js';
import { envCommand } from './env-command.js';
import { helpWidth, renderCommandHelp, renderMainHelp } from './help.js';
import { mergeCommand } from './merge-command.js';
import { runCommand as benchmarkCommand } from './run-command.js';
import { nearestCommand } from './suggest-command.js';
import { shellQuote } from '../core/shell-quote.js';
import { sweepCommand } from './sweep-command.js';
import { sweepCollectCommand, sweepPlanCommand, sweepSubmitCommand } from './sweep-fleet-commands.js';
import { INTERRUPTED_EXIT_CODE } from './run-outcome.js';

/** A command, and its line in the top-level help. */
interface CliCommand {
  readonly def: CommandDef;
  readonly summary: string;
}

/** The commands, in the order the top-level help lists them. */
const COMMANDS: Readonly<Record<string, CliCommand>> = {
  run: { def: benchmarkCommand as CommandDef, summary: 'Benchmark a model: latency, throughput, verdict and result file' },
  sweep: { def: sweepCommand as CommandDef, summary: 'Benchmark a grid of settings; pick the best within a latency SLO' },
  'sweep plan': { def: sweepPlanCommand as CommandDef, summary: "Write a fleet sweep's plan and its AWS Batch, Kubernetes or Slurm jobs" },
  'sweep submit': { def: sweepSubmitCommand as CommandDef, summary: "Submit a fleet sweep's jobs to AWS Batch, Kubernetes or Slurm" },
  'sweep collect': { def: sweepCollectCommand as CommandDef, summary: "Collect a fleet sweep's results exactly; report the cheapest target" },
  compare: { def: compareCommand as CommandDef, summary: 'Compare results with a baseline, telling changes from noise' },
  merge: { def: mergeCommand as CommandDef, summary: 'Merge results of one configuration from several processes' },
  compile: { def: compileCommand as CommandDef, summary: 'Compile a model for one or more batch sizes into the cache' },
  check: { def: checkCommand as CommandDef, summary: "Check a model's outputs against ONNX test data" },
  env: { def: envCommand as CommandDef, summary: 'Show the CPU, GPUs, Neuron devices and Python this machine has' },
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
  STORAGE_FAILED: 1,
  RESULT_INVALID: USAGE_EXIT_CODE,
  RESULT_NOT_WRITTEN: 1,
  CACHE_NOT_WRITTEN: 1,
  // The shell's convention for a process ended by SIGINT.
  ABORTED: INTERRUPTED_EXIT_CODE,
};

const HELP_FLAGS = new Set(['--help', '-h']);

/** The command called `name`, or a usage error that names the nearest one. */
function commandNamed(name: string): CliCommand & { readonly name: string } {
  const command = COMMANDS[name];
  if (command) return { ...command, name };
  // The commands a first word names: `sweep plan` and the like come after theirs.
  const names = Object.keys(COMMANDS).filter((command) => !command.includes(' '));
  const nearest = nearestCommand(name, names);
  const hint = nearest ? `did you mean 'inferbench ${nearest}'?` : `the commands are ${names.join(', ')}`;
  throw new InferbenchError('INVALID_OPTION', `unknown command '${name}'; ${hint}`);
}

/** `inferbench <name> --help` and `inferbench help <name>`: the same text. */
async function commandHelp(name: string, io: CliIo): Promise<string> {
  const { def } = commandNamed(name);
  const meta = typeof def.meta === 'function' ? await def.meta() : await def.meta;
  const args = (typeof def.args === 'function' ? await def.args() : await def.args) ?? ({} as ArgsDef);
  return renderCommandHelp({ name, description: meta?.description ?? '', args }, helpWidth(io.stdout));
}

function mainHelp(io: CliIo): string {
  const commands = Object.entries(COMMANDS).map(([name, { summary }]) => ({ name, summary }));
  return renderMainHelp(`inferbench ${INFERBENCH_VERSION}: benchmarks ML inference on CPUs, GPUs and AWS Neuron`, commands, helpWidth(io.stdout));
}

/** Runs `inferbench …` without its error handling; a number returned by a command is its exit status. */
async function dispatch(args: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    io.stdout.write(mainHelp(io));
    return USAGE_EXIT_CODE;
  }
  if (HELP_FLAGS.has(first) || (first === 'help' && (rest.length === 0 || HELP_FLAGS.has(rest[0]!)))) {
    io.stdout.write(mainHelp(io));
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${INFERBENCH_VERSION}\n`);
    return 0;
  }
  if (first === 'help') {
    const named = rest.join(' ');
    if (rest.length > 1 && COMMANDS[named] === undefined) throw new InferbenchError('INVALID_OPTION', `'inferbench help' takes one command, got ${rest.map((a) => `'${a}'`).join(' ')}`);
    io.stdout.write(await commandHelp(named, io));
    return 0;
  }
  if (first.startsWith('-')) {
    // Flags without a command are most often a run's: say how to write it.
    throw new InferbenchError('INVALID_OPTION', `'${first}' is not a command; did you mean 'inferbench run ${args.map(shellQuote).join(' ')}'?`);
  }
  // Two words name a subcommand: `sweep plan`, `sweep collect`.
  const [name, commandArgs] = rest[0] !== undefined && COMMANDS[`${first} ${rest[0]}`] !== undefined ? [`${first} ${rest[0]}`, rest.slice(1)] : [first, rest];
  const command = commandNamed(name);
  if (commandArgs.some((a) => HELP_FLAGS.has(a))) {
    io.stdout.write(await commandHelp(name, io));
    return 0;
  }
  try {
    // Run directly, as citty drops a subcommand's return value: a number is the exit status (check: 1 on a failed output).
    const { result } = await runCommand(command.def, { rawArgs: commandArgs, data: io });
    return typeof result === 'number' ? result : 0;
  } catch (error) {
    // citty's own errors: a missing positional, an enum value it does not know.
    if (error instanceof Error && error.name === 'CLIError') {
      throw new InferbenchError('INVALID_OPTION', `${stripVTControlCharacters(error.message)}; run 'inferbench ${name} --help' to list the options`, { cause: error });
    }
    throw error;
  }
}

/**
 * Runs the CLI on `rawArgs` with `io` (the process's by default) and returns the exit status. User
 * errors print one line, no stack; the process is never exited from here, so that the CLI runs
 * inside another program, and a leftover worker shows as a hang in tests.
 */
export async function runCli(rawArgs: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(rawArgs, io);
  } catch (error) {
    if (!(error instanceof InferbenchError)) throw error;
    io.stderr.write(`inferbench: ${terminalSafe(error.message)}\n`);
    return EXIT_CODES[error.code];
  }
}
