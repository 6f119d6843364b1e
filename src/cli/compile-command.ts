import { defineCommand, type ArgsDef } from 'citty';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import { compileModel } from '../pipeline/compile-model.js';
import { formatCompileReport } from '../reporters/compile-report.js';
import { assertKnownFlags, flagValue, parseIntegerList, refuseArguments } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { runArgs, runOptionsFromFlags } from './run-command.js';

const { model, 'sequence-length': sequenceLength, 'image-size': imageSize, tokenizer, device, gpus, format, 'input-names': inputNames, dims, 'cache-dir': cacheDir } = runArgs;

export const compileArgs = {
  model,
  'batch-sizes': { type: 'string', description: 'Batch sizes to compile for, e.g. 2,4,8 (default the batch size, 4) [env BATCH_SIZES, e.g. "2 4 8"]', valueHint: 'n,…' },
  'sequence-length': sequenceLength,
  'image-size': imageSize,
  tokenizer,
  device,
  gpus,
  format,
  'input-names': inputNames,
  dims,
  'cache-dir': cacheDir,
  json: { type: 'boolean', description: 'Print the artifacts as JSON on stdout' },
} as const satisfies ArgsDef;

/** `inferbench compile`: one artifact per batch size, cached for later runs. */
export const compileCommand = defineCommand({
  meta: { name: 'compile', description: 'Compile a model for one or more batch sizes into the cache, reporting each compile and its output difference' },
  args: compileArgs,
  async run({ args, rawArgs }) {
    assertKnownFlags('compile', rawArgs, compileArgs);
    refuseArguments('compile', args._);
    const options = runOptionsFromFlags(args, process.env);
    const flag = flagValue('--batch-sizes', args['batch-sizes']);
    const sizes = flag !== undefined ? parseIntegerList('--batch-sizes', flag) : process.env.BATCH_SIZES ? parseIntegerList('BATCH_SIZES', process.env.BATCH_SIZES) : [options.batchSize ?? 4];
    const compiled = await abortOnSigint((signal) => compileModel({ ...options, batchSizes: sizes, signal }));
    process.stdout.write(`${args.json ? JSON.stringify(compiled, null, 2) : formatCompileReport(typeof options.model === 'string' ? options.model : DEFAULT_MODEL, compiled)}\n`);
  },
});
