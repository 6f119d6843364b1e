import { execaSync } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bertUncasedTokenizerJson } from '../../src/inputs/bert-uncased-tokenizer.js';
import { finishSteps } from '../../src/core/steps.js';
import { fixOnnxDimensionSteps } from '../../src/onnx/fix-onnx-dimensions.js';
import type { BenchmarkResult } from '../../src/results/benchmark-result.js';
import { writeSmallBert } from '../helpers/fixtures.js';
import { syntheticResult } from '../helpers/synthetic-result.js';

// What the cases' setups write into their folders, each under a fixed name the cases' arguments use.

/** `small-bert.onnx`: a text model that compiles and runs in milliseconds. */
export const smallBert = (dir: string): void => void writeSmallBert(dir);

/** `fixed-batch-3.onnx`: the small BERT with its batch dimension fixed at 3. */
export function fixedBatchBert(dir: string): void {
  writeFileSync(join(dir, 'fixed-batch-3.onnx'), finishSteps(fixOnnxDimensionSteps(readFileSync(writeSmallBert(dir)), { batch_size: 3 })));
}

/** A FIFO called `name`: reading it waits for a writer that never comes. */
export const fifo = (dir: string, name: string): void => void execaSync('mkfifo', [join(dir, name)]);

/** A Hugging Face export of the small BERT in folder `name`, with `config` as its config.json. */
export function textExport(dir: string, name: string, config: Record<string, unknown>): void {
  mkdirSync(join(dir, name));
  copyFileSync(writeSmallBert(dir), join(dir, name, 'model.onnx'));
  writeFileSync(join(dir, name, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertForSequenceClassification'], ...config }));
  writeFileSync(join(dir, name, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
}

/** `tinymodel.py`: a PyTorch module whose `build` the CLI compiles as `tinymodel:build` from the case's folder. */
export function torchModule(dir: string): void {
  const source = ['import torch', '', 'def build(batch_size):', '    model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU())', '    return model, torch.rand(batch_size, 8)', ''];
  writeFileSync(join(dir, 'tinymodel.py'), source.join('\n'));
}

/** `python-with-banner`: an interpreter that greets on stdout before it runs anything, as a sitecustomize may. */
export function bannerPython(dir: string): void {
  writeFileSync(join(dir, 'python-with-banner'), '#!/bin/sh\nprintf "Welcome to Python!\\n"\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 });
}

/** A result measured nowhere, the same for every case. */
const RESULT = syntheticResult({ latenciesNs: Array.from({ length: 600 }, (_, i) => 1e6 + i * 1e3) });

/** What {@link resultFile} writes for the current schema version, to tell a result file left untouched. */
export const RESULT_TEXT = JSON.stringify(RESULT);

/** Result file `name`, of schema version `schemaVersion` (default the current one). */
export function resultFile(dir: string, name: string, schemaVersion: number = RESULT.schemaVersion): void {
  writeFileSync(join(dir, name), JSON.stringify({ ...RESULT, schemaVersion }));
}

/** The result at `path`, whole: it parses and has measured. */
export function wholeResult(path: string): BenchmarkResult {
  const result = JSON.parse(readFileSync(path, 'utf8')) as BenchmarkResult;
  expect(result.measurement.completedQueries).toBeGreaterThan(0);
  return result;
}
