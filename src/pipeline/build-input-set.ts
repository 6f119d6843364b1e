import type { InputSet } from '../inputs/input-set.js';
import { buildRandomInputSet } from '../inputs/random-input-set.js';
import { generateSentences } from '../inputs/sentence-generator.js';
import { buildTextInputSet } from '../inputs/text-input-set.js';
import { createBertUncasedTokenizer } from '../inputs/bert-uncased-tokenizer.js';
import { InferbenchError } from '../errors.js';
import type { ResolvedModel } from '../models/model-source.js';
import type { BenchmarkSettings } from './benchmark-options.js';

/** Sentences generated for text models: enough for distinct batches of every sample. */
function sentenceCount(settings: BenchmarkSettings): number {
  return Math.max(settings.sampleCount, settings.batchSize) * (settings.batchMode === 'distinct' ? settings.batchSize : 1);
}

/**
 * Inputs for a model: tokenized sentences when it takes token ids (the BERT inputs, or the names
 * given in `inputNames`), otherwise seeded random tensors.
 */
export function buildInputSetFor(model: ResolvedModel, settings: BenchmarkSettings): InputSet {
  const names = model.inputs.map((i) => i.name);
  const has = (name: string | undefined): name is string => name !== undefined && names.includes(name);
  const given = settings.inputNames;
  for (const [role, name] of Object.entries(given)) {
    if (!has(name)) {
      throw new InferbenchError('INPUT_MISMATCH', `input name '${name}' (for ${role}) is not an input of ${model.name}; its inputs are: ${names.join(', ')}`);
    }
  }
  const inputIds = given.inputIds ?? 'input_ids';
  if (!has(inputIds)) {
    return buildRandomInputSet({ specs: model.inputs, batchSize: settings.batchSize, dimensions: settings.dimensions, sampleCount: settings.sampleCount, seed: settings.seed });
  }
  const attentionMask = given.attentionMask ?? 'attention_mask';
  const tokenTypeIds = given.tokenTypeIds ?? 'token_type_ids';
  return buildTextInputSet({
    texts: generateSentences(sentenceCount(settings), settings.seed),
    tokenizer: createBertUncasedTokenizer(),
    batchSize: settings.batchSize,
    sequenceLength: settings.sequenceLength,
    batchMode: settings.batchMode,
    sampleCount: settings.sampleCount,
    inputNames: { inputIds, attentionMask, ...(has(tokenTypeIds) ? { tokenTypeIds } : {}) },
    description: `synthetic sentences (seed ${settings.seed}), bert-base-uncased tokenizer, ${settings.batchMode} batches`,
  });
}
