import { plural } from '../core/format.js';
import { BUILTIN_BERT_UNCASED } from './model-source.js';
import { DEFAULT_SYNTHETIC_BERT, syntheticBertSteps, type SyntheticBertConfig } from './synthetic-bert.js';
import { bertComputeBytes } from './synthetic-compute.js';
import { SyntheticModelSource, definedOnly } from './synthetic-source.js';

/** bert-base-uncased's shape: 12 layers, 768 wide, 12 heads, 3072 feed-forward. */
export const BERT_BASE_CONFIG: Readonly<Partial<SyntheticBertConfig>> = Object.freeze({
  layers: 12,
  hiddenSize: 768,
  heads: 12,
  intermediateSize: 3072,
});

/**
 * A BERT-shaped text classifier: the real encoder architecture with random weights, tokenized by
 * the built-in bert-base-uncased tokenizer, whose vocabulary it shares.
 */
export class SyntheticBertSource extends SyntheticModelSource<Required<SyntheticBertConfig>> {
  constructor(config: Partial<SyntheticBertConfig> = {}, id = 'synthetic:bert') {
    const resolved = { ...DEFAULT_SYNTHETIC_BERT, ...definedOnly(config) };
    const { layers, hiddenSize, heads, maxPositions } = resolved;
    super({
      id,
      fileStem: 'synthetic-bert',
      config: resolved,
      steps: syntheticBertSteps,
      name: `synthetic-bert (${plural(layers, 'layer')}, hidden ${hiddenSize}, ${plural(heads, 'head')}, random weights)`,
      task: 'text',
      tokenizer: BUILTIN_BERT_UNCASED,
      maxSequenceLength: maxPositions,
      computeBytes: bertComputeBytes(resolved),
    });
  }
}
