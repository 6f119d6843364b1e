import { defineCommand, type ArgsDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { formatResultTable } from '../reporters/console-table.js';
import { formatRate } from '../core/format.js';
import { assertResultPathWritable, writeResultJson } from '../reporters/json-file.js';
import { mergeResults } from '../results/merge-results.js';
import { readResultFile } from '../results/read-result.js';
import { assertKnownFlags, flagValue } from './_flags.js';

export const mergeArgs = {
  files: { type: 'positional', required: false, description: 'Result files of one configuration, from several processes or machines', valueHint: 'file…' },
  output: { type: 'string', alias: 'o', description: 'Where to write the merged result (default results/<model>-<time>.json)', valueHint: 'file' },
} as const satisfies ArgsDef;

/** `inferbench merge A B… -o merged.json`: one result from runs of one configuration, histograms added. */
export const mergeCommand = defineCommand({
  meta: { name: 'merge', description: 'Merge result files of one configuration (several processes or machines) into one: histograms added, counts summed, figures recomputed' },
  args: mergeArgs,
  async run({ args, rawArgs }) {
    assertKnownFlags('merge', rawArgs, mergeArgs);
    const output = flagValue('--output', args.output);
    const files = args._;
    if (files.length < 2) {
      throw new InferbenchError('INVALID_OPTION', `'inferbench merge' needs at least two result files, got ${files.length}`);
    }
    await assertResultPathWritable(output);
    // One at a time, so that of several bad files the first is named.
    const results = [];
    for (const file of files) results.push(await readResultFile(file));
    const merged = mergeResults(results, { files });
    process.stdout.write(`${formatResultTable(merged)}\n`);
    const path = await writeResultJson(merged, output);
    process.stdout.write(`merged   ${merged.merged.sources.length} runs${merged.merged.overlapping ? `, overlapping: together ${formatRate(merged.merged.aggregateSamplesPerSecond!)} samples/s` : ''}\nresult   ${path}\n`);
    return 0;
  },
});
