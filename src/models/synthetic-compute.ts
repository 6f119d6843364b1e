import type { BatchShape } from './model-source.js';
import type { SyntheticBertConfig } from './synthetic-bert.js';
import type { SyntheticResnetConfig } from './synthetic-resnet.js';

// What ONNX Runtime takes on the CPU to compute a batch of the models inferbench builds, fitted to a session's peak
// resident memory over repeated runs (ONNX Runtime 1.30: BERT-mini and bert-base at 32 to 512 tokens, ResNet-50 at 128
// and 256 pixels) and rounded up: a run let through fits.

const FLOAT32_BYTES = 4;

/** A copy settles at about twice one run's tensors: its arena keeps one run's buffers while the next allocates. */
const RUNS_HELD = 2;

/**
 * Synthetic BERT: its largest tensors live at once, the feed-forward layer's (about four of sequence × intermediate,
 * around the exact GELU) or the attention's (scores, masked and softmaxed: about 2.5 of heads × sequence²).
 */
export const bertComputeBytes =
  ({ heads, intermediateSize }: Pick<SyntheticBertConfig, 'heads' | 'intermediateSize'>) =>
  ({ batchSize, sequenceLength }: BatchShape): number =>
    batchSize * RUNS_HELD * FLOAT32_BYTES * Math.max(4 * sequenceLength * intermediateSize, 2.5 * heads * sequenceLength ** 2);

/** Synthetic ResNet: its widest activations, by the stem, about `baseWidth` floats a pixel of the image. */
export const resnetComputeBytes =
  ({ baseWidth }: Pick<SyntheticResnetConfig, 'baseWidth'>) =>
  ({ batchSize, imageSide }: BatchShape): number =>
    batchSize * RUNS_HELD * FLOAT32_BYTES * baseWidth * imageSide ** 2;
