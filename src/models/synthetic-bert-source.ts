import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelResolveOptions, ModelSource, ResolvedModel } from './model-source.js';
import { OnnxFileSource } from './onnx-file-source.js';
import { DEFAULT_SYNTHETIC_BERT, buildSyntheticBert, type SyntheticBertConfig } from './synthetic-bert.js';

/** Bump when the generated graph changes, so that caches built by older versions are not reused. */
const GENERATOR_VERSION = 1;

/**
 * The built-in BERT-shaped text classifier: a real encoder architecture with random weights from a
 * fixed seed, generated once and cached as an ONNX file.
 */
export class SyntheticBertSource implements ModelSource {
  readonly id: string;
  /** The architecture generated, every default applied. */
  readonly config: Readonly<Required<SyntheticBertConfig>>;

  constructor(config: Partial<SyntheticBertConfig> = {}) {
    const given = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
    this.config = { ...DEFAULT_SYNTHETIC_BERT, ...given };
    this.id = 'synthetic:bert';
  }

  async resolve(options: ModelResolveOptions): Promise<ResolvedModel> {
    const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, ...this.config })).digest('hex').slice(0, 16);
    const dir = join(options.cacheDir, 'models');
    const path = join(dir, `synthetic-bert-${key}.onnx`);
    const cached = await access(path).then(
      () => true,
      () => false,
    );
    if (!cached) {
      options.signal?.throwIfAborted();
      await mkdir(dir, { recursive: true });
      const tmpPath = join(dir, `${randomUUID()}.tmp.onnx`);
      await writeFile(tmpPath, buildSyntheticBert(this.config));
      await rename(tmpPath, path);
    }
    const { layers, hiddenSize, heads } = this.config;
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    const name = `synthetic-bert (${plural(layers, 'layer')}, hidden ${hiddenSize}, ${plural(heads, 'head')}, random weights)`;
    return new OnnxFileSource(path, { name, synthetic: true }).resolve();
  }
}
