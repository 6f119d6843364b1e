import { InferbenchError } from '../core/errors.js';
import { finishSteps, type Steps } from '../core/steps.js';
import { requireInteger } from '../core/validate.js';
import type { InputSet } from './input-set.js';
import type { FeedTensor, NamedTensors, TensorData } from '../tensors/tensor.js';
import type { TextEncodeOptions, TextEncoding, TextInput, TextTokenizer } from './text-tokenizer.js';

/** What {@link buildTextInputSet} encodes and how it batches it. */
export interface TextInputSetOptions {
  /** Texts (or sentence pairs) to draw from, used in order and wrapped around when more are needed. */
  texts: readonly TextInput[];
  /** Tokenizer that turns each text into ids, attention mask and token types. */
  tokenizer: TextTokenizer;
  /** Rows per sample, the batch dimension of every tensor. */
  batchSize: number;
  /** Tokens per row (the tokenizer's max_length, usually 128): longer texts are truncated, shorter ones padded. */
  sequenceLength: number;
  /** `max_length` (default): every row padded to `sequenceLength`; `longest`: to the longest text used, so the model is compiled for that length. */
  padding?: 'max_length' | 'longest';
  /** `repeat`: one text repeated in every row of a sample, as the workshop did; `distinct`: `batchSize` different texts per sample. */
  batchMode: 'repeat' | 'distinct';
  /** Number of samples to prepare (the workshop used 10); requests cycle through them. */
  inputCount: number;
  /** Model input names for each tensor; leave out `attentionMask` or `tokenTypeIds` when the model does not take them. */
  inputNames: { inputIds: string; attentionMask?: string; tokenTypeIds?: string };
  /** Where the texts came from, for reports, e.g. "synthetic sentences, seed 1"; defaults to a count of the texts. */
  description?: string;
}

/** Encodes texts into int64 `[batchSize, sequenceLength]` samples ready to feed a text model. */
export function buildTextInputSet(options: TextInputSetOptions): InputSet {
  return finishSteps(textInputSteps(options));
}

/** Texts tokenized, or samples packed, per step of {@link textInputSteps}: tens of milliseconds. */
const ITEMS_PER_STEP = 500;

/** {@link buildTextInputSet} in steps (see {@link Steps}): tokenizing a hundred thousand texts takes seconds. */
export function* textInputSteps(options: TextInputSetOptions): Steps<InputSet> {
  const { texts, batchSize, sequenceLength, inputCount, batchMode, inputNames } = options;
  requireInteger('batchSize', batchSize, 1);
  requireInteger('sequenceLength', sequenceLength, 1);
  requireInteger('inputCount', inputCount, 1);
  if (texts.length === 0) {
    throw new InferbenchError('INVALID_OPTION', 'texts is empty; pass at least one text');
  }
  if (batchMode === 'distinct' && texts.length < batchSize) {
    throw new InferbenchError(
      'INVALID_OPTION',
      `batchMode 'distinct' needs at least batchSize (${batchSize}) texts, got ${texts.length}; pass more texts or use batchMode 'repeat'`,
    );
  }

  // Text index of each row of each sample; distinct mode walks the texts row after row.
  const rowTexts = Array.from({ length: inputCount }, (_, sample) =>
    Array.from({ length: batchSize }, (_, row) => (batchMode === 'repeat' ? sample : sample * batchSize + row) % texts.length),
  );
  const used = [...new Set(rowTexts.flat())];
  const encodeUsed = function* (encodeOptions: TextEncodeOptions): Steps<TextEncoding[]> {
    const encodings: TextEncoding[] = [];
    for (let start = 0; start < used.length; start += ITEMS_PER_STEP) {
      encodings.push(...options.tokenizer.encode(used.slice(start, start + ITEMS_PER_STEP).map((index) => texts[index]!), encodeOptions));
      yield;
    }
    return encodings;
  };
  // Every sample must share one shape, so 'longest' pads to the longest of all texts used: measured unpadded first,
  // then each text encoded again to that length. That truncates no text further: when one was truncated, the longest
  // is sequenceLength.
  let encoded: TextEncoding[];
  if (options.padding === 'longest') {
    const unpadded = yield* encodeUsed({ maxLength: sequenceLength, padding: 'none', truncation: true });
    const longest = unpadded.reduce((length, encoding) => Math.max(length, encoding.inputIds.length), 0);
    encoded = yield* encodeUsed({ maxLength: longest, padding: 'max_length', truncation: true });
  } else {
    encoded = yield* encodeUsed({ maxLength: sequenceLength, padding: 'max_length', truncation: true });
  }
  const rowLength = encoded[0]?.inputIds.length ?? sequenceLength;
  const byText = new Map<number, TextEncoding>();
  used.forEach((index, i) => {
    const encoding = encoded[i]!;
    if (encoding.inputIds.length !== rowLength || rowLength > sequenceLength) {
      throw new InferbenchError(
        'INPUT_MISMATCH',
        `the tokenizer returned ${encoding.inputIds.length} tokens for text ${index}, expected at most sequenceLength ${sequenceLength}, all alike; use a tokenizer that pads and truncates to maxLength`,
      );
    }
    byText.set(index, encoding);
  });

  const feeds: NamedTensors[] = [];
  for (const rows of rowTexts) {
    const encodings = rows.map((index) => byText.get(index)!);
    const tensor = (field: keyof TextEncoding) => int64Tensor(encodings.map((encoding) => encoding[field]), rowLength);
    feeds.push({
      [inputNames.inputIds]: tensor('inputIds'),
      ...(inputNames.attentionMask === undefined ? {} : { [inputNames.attentionMask]: tensor('attentionMask') }),
      ...(inputNames.tokenTypeIds === undefined ? {} : { [inputNames.tokenTypeIds]: tensor('tokenTypeIds') }),
    });
    if (feeds.length % ITEMS_PER_STEP === 0) yield;
  }
  return {
    feeds,
    batchSize,
    description: options.description ?? `${texts.length} texts, ${batchMode} batches`,
  };
}

/** Packs equal-length rows into one `[rows, sequenceLength]` int64 tensor. */
function int64Tensor(rows: readonly number[][], sequenceLength: number): TensorData<'int64'> {
  const data = new BigInt64Array(rows.length * sequenceLength);
  rows.forEach((row, r) => row.forEach((value, c) => (data[r * sequenceLength + c] = BigInt(value))));
  return { type: 'int64', dims: [rows.length, sequenceLength], data };
}
