import { defineCommand, type ArgsDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { formatResultTable } from '../reporters/console-table.js';
import { formatRate } from '../core/format.js';
import { writeResultJson } from '../reporters/json-file.js';
import { mergeResults } from '../results/merge-results.js';
import { readResultFile } from '../results/read-result.js';
import { assertKnownFlags, outputTarget } from './_flags.js';
import { ioOf, resolveFrom } from './cli-io.js';
import { assertResultWritableIn, resultPathIn } from './result-path.js';
import { terminalSafe } from '../core/terminal-text.js';

export const mergeArgs = {
  files: { type: 'positional', required: false, description: 'Result files of one configuration, from several processes or machines', valueHint: 'file…' },
  // -o as in run: a folder that gets a new name, or a file when it ends in .json.
  'output-dir': { type: 'string', alias: 'o', description: 'Folder of the merged result, under a new name (an -o ending in .json is the file)', valueHint: 'dir' },
  output: { type: 'string', description: 'The merged result file itself (default results/<model>-<time>-<pid>.json)', valueHint: 'file' },
  'accept-interrupted': { type: 'boolean', description: 'Merge results of interrupted runs too (refused by default)' },
} as const satisfies ArgsDef;

/** `inferbench merge A B… -o merged.json`: one result from runs of one configuration, histograms added. */
export const mergeCommand = defineCommand({
  meta: { name: 'merge', description: 'Merge result files of one configuration (several processes or machines) into one: histograms added, counts summed, figures recomputed' },
  args: mergeArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('merge', rawArgs, mergeArgs);
    const output = outputTarget(args);
    const files = args._;
    if (files.length < 2) {
      throw new InferbenchError('INVALID_OPTION', `'inferbench merge' needs at least two result files, got ${files.length}`);
    }
    await assertResultWritableIn(io, output);
    if (output.file !== undefined) {
      const target = resolveFrom(io, output.file);
      const input = files.find((file) => resolveFrom(io, file) === target);
      if (input !== undefined) throw new InferbenchError('INVALID_OPTION', `the merged result would overwrite its input ${input}; write it to another file`);
    }
    // One at a time, so that of several bad files the first is named.
    const results = [];
    for (const file of files) results.push(await readResultFile(resolveFrom(io, file)));
    const merged = mergeResults(results, { files, acceptInterrupted: args['accept-interrupted'] === true });
    io.stdout.write(`${terminalSafe(formatResultTable(merged))}\n`);
    const path = await writeResultJson(merged, resultPathIn(io, output, merged));
    io.stdout.write(`merged   ${merged.merged.sources.length} runs${merged.merged.overlapping ? `, overlapping: together ${formatRate(merged.merged.aggregateSamplesPerSecond!)} samples/s` : ''}\nresult   ${path}\n`);
    return 0;
  },
});
