import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { buildSyntheticBert, type SyntheticBertConfig } from '../../src/models/synthetic-bert.js';

/** A temporary directory removed after the test file. */
export function tempDir(prefix = 'inferbench-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A small synthetic BERT written to `dir`, fast enough for tests on 2 cores. */
export function writeSmallBert(dir: string, config: Partial<SyntheticBertConfig> = {}, name = 'small-bert.onnx'): string {
  const path = join(dir, name);
  writeFileSync(path, buildSyntheticBert({ layers: 1, hiddenSize: 32, heads: 2, intermediateSize: 64, ...config }));
  return path;
}
