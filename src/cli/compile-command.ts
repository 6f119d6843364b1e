import { defineCommand } from 'citty';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import { compileModel } from '../pipeline/compile-model.js';
import { formatCompileReport } from '../reporters/compile-report.js';
import { layerOptions, optionsFromEnv } from '../options/option-layers.js';
import type { RunOptionName } from '../options/option-registry.js';
import { DEFAULT_BATCH_SIZE } from '../options/run-options.js';
import { assertKnownFlags, integerListEnv, integerListFlag, refuseArguments } from './_flags.js';
import { oldSpelling, optionArgs, optionsFromFlags, typedFlags, type OptionArgDef } from './option-args.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { ioOf, resolveOptionPaths } from './cli-io.js';
import { terminalSafe } from '../core/terminal-text.js';

/** The run options a compile uses. */
const COMPILE_OPTIONS: readonly RunOptionName[] = ['model', 'batchSize', 'sequenceLength', 'imageSize', 'tokenizer', 'device', 'deviceIds', 'neuronRuntime', 'artifactFormat', 'inputNames', 'dimensions', 'cacheDir'];

export const compileArgs = {
  'batch-size-list': { type: 'string', description: 'Batch sizes to compile for, e.g. 2,4,8 (default the batch size) [env BATCH_SIZES, e.g. "2 4 8"]', valueHint: 'n,…', env: 'BATCH_SIZES' },
  json: { type: 'boolean', description: 'Print the artifacts as JSON on stdout' },
  ...optionArgs(COMPILE_OPTIONS),
  'batch-sizes': oldSpelling('batch-size-list', 'value'),
} as const satisfies Record<string, OptionArgDef>;

/**
 * The batch sizes to compile for, by precedence: --batch-size-list, else --batch-size, else the
 * workshop's BATCH_SIZES, else BATCH_SIZE or the default.
 */
export function compileBatchSizes(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>, batchSize: number | undefined): number[] {
  const list = integerListFlag(flags, 'batch-size-list', 'batch-sizes');
  const flagSize = optionsFromFlags(flags, ['batchSize']).batchSize;
  return list ?? (flagSize === undefined ? undefined : [flagSize]) ?? integerListEnv(env, 'BATCH_SIZES') ?? [batchSize ?? DEFAULT_BATCH_SIZE];
}

/** `inferbench compile`: one artifact per batch size, cached for later runs. */
export const compileCommand = defineCommand({
  meta: { name: 'compile', description: 'Compile a model for one or more batch sizes into the cache, reporting each compile and its output difference' },
  args: compileArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('compile', rawArgs, compileArgs);
    refuseArguments('compile', args._);
    const flags = optionsFromFlags(args, COMPILE_OPTIONS, typedFlags(rawArgs));
    const options = resolveOptionPaths(io, layerOptions({ env: optionsFromEnv(io.env, COMPILE_OPTIONS), flags }));
    const sizes = compileBatchSizes(args, io.env, options.batchSize);
    const compiled = await abortOnSigint((signal) => compileModel({ ...options, batchSizes: sizes, signal, env: io.env }));
    io.stdout.write(`${args.json ? JSON.stringify(compiled, null, 2) : terminalSafe(formatCompileReport(options.model ?? DEFAULT_MODEL, compiled))}\n`);
  },
});
