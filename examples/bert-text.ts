/**
 * A BERT text classifier benchmarked the way the workshop does it, from a Hugging Face ONNX export
 * directory (the layout `optimum-cli export onnx` writes) on a corpus of sentence pairs.
 *
 * With no network here, the export is made locally: a BERT-shaped model with random weights and the
 * real bert-base-uncased tokenizer. Point `model` at a real export to measure a real model.
 *
 * Run (after npm run build; or from source with node --conditions=inferbench-source --import tsx):
 *   npx tsx examples/bert-text.ts [requests]
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatResultTable, runBenchmark } from 'inferbench';
import { bertUncasedTokenizerJson, buildSyntheticBert, generateSentences } from 'inferbench/models';

const requests = Number(process.argv[2] ?? 200);
const work = await mkdtemp(join(tmpdir(), 'inferbench-bert-text-'));
try {
  // An export directory: onnx/model.onnx, config.json and the tokenizer files.
  const exportDir = join(work, 'tiny-bert-onnx');
  await mkdir(join(exportDir, 'onnx'), { recursive: true });
  await writeFile(join(exportDir, 'onnx', 'model.onnx'), buildSyntheticBert({ layers: 2, hiddenSize: 128, heads: 2, intermediateSize: 512 }));
  await writeFile(join(exportDir, 'config.json'), JSON.stringify({ _name_or_path: 'tiny-bert (random weights)', architectures: ['BertForSequenceClassification'], model_type: 'bert' }));
  await writeFile(join(exportDir, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
  await writeFile(join(exportDir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, pad_token: '[PAD]' }));

  // A JSONL corpus of sentence pairs, as a paraphrase or NLI benchmark would feed.
  const sentences = generateSentences(20, 7);
  const corpus = join(work, 'pairs.jsonl');
  await writeFile(corpus, sentences.slice(0, 10).map((text, i) => JSON.stringify({ text, text_pair: sentences[10 + i] })).join('\n'));

  const result = await runBenchmark({
    model: exportDir,
    corpus,
    sequenceLength: 128,
    batchSize: 4,
    batchMode: 'distinct',
    queryCount: requests,
    clients: 2,
    copies: 2,
    cacheDir: join(work, 'cache'),
  });
  console.log(formatResultTable(result));

  // The test suite runs this file: a wrong result must fail it.
  const typeIdsUsed = result.compile.dimensions['sequence_length'] === 128 && result.model.inputs.some((i) => i.name === 'token_type_ids');
  if (result.measurement.completedRequests !== requests || !typeIdsUsed || result.model.task !== 'text') {
    console.error(`unexpected result: ${JSON.stringify({ completed: result.measurement.completedRequests, dims: result.compile.dimensions, task: result.model.task })}`);
    process.exitCode = 1;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
