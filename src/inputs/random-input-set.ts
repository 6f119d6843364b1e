import { InferbenchError } from '../core/errors.js';
import type { TensorSpec } from '../models/model-source.js';
import { seededRandom } from '../core/random.js';
import { finishSteps, type Steps } from '../core/steps.js';
import type { InputSet } from './input-set.js';
import type { NamedTensors, FeedTensor } from '../tensors/tensor.js';

/** What {@link buildRandomInputSet} generates. */
export interface RandomInputSetOptions {
  /** The model's inputs. */
  readonly specs: readonly TensorSpec[];
  /** Value of each input's first dimension when it is symbolic. */
  readonly batchSize: number;
  /** Values for the other symbolic dimensions, by name (e.g. { height: 224 }). */
  readonly dimensions: Readonly<Record<string, number>>;
  /** Number of samples to prepare. */
  readonly inputCount: number;
  /** Seed of the values. */
  readonly seed: number;
}

function concreteDims(spec: TensorSpec, batchSize: number, dimensions: Readonly<Record<string, number>>): number[] {
  return spec.dims.map((dim, axis) => {
    if (typeof dim === 'number' && dim >= 0) return dim;
    const value = typeof dim === 'string' ? dimensions[dim] : undefined;
    if (value !== undefined) return value;
    if (axis === 0) return batchSize;
    throw new InferbenchError('INPUT_MISMATCH', `input '${spec.name}' has a free dimension ${axis} (${dim}); give it a size with dimensions (--dimensions ${typeof dim === 'string' ? dim : 'name'}=N)`);
  });
}

/**
 * Random inputs for a model that has no tokenizer or images to feed it: floats uniform in [0, 1),
 * integers 0 or 1 (valid as masks and as indices into any table).
 */
export function buildRandomInputSet(options: RandomInputSetOptions): InputSet {
  return finishSteps(randomInputSteps(options));
}

/** Values drawn per step of {@link randomInputSteps}: tens of milliseconds. */
const VALUES_PER_STEP = 1 << 20;

/** {@link buildRandomInputSet} in steps (see {@link Steps}): a thousand image-sized inputs take seconds. */
export function* randomInputSteps(options: RandomInputSetOptions): Steps<InputSet> {
  const random = seededRandom(options.seed);
  const makeTensor = (spec: TensorSpec): FeedTensor => {
    const dims = concreteDims(spec, options.batchSize, options.dimensions);
    const length = dims.reduce((a, b) => a * b, 1);
    switch (spec.elementType) {
      case 'float32':
        return { type: 'float32', dims, data: Float32Array.from({ length }, () => random.float()) };
      case 'int32':
        return { type: 'int32', dims, data: Int32Array.from({ length }, () => random.int(0, 1)) };
      case 'int64':
        return { type: 'int64', dims, data: BigInt64Array.from({ length }, () => BigInt(random.int(0, 1))) };
      default:
        throw new InferbenchError('INPUT_MISMATCH', `input '${spec.name}' has element type ${spec.elementType}, which inferbench cannot generate yet; supported: float32, int32, int64`);
    }
  };
  const feeds: NamedTensors[] = [];
  let drawnSinceStep = 0;
  for (let i = 0; i < options.inputCount; i++) {
    const feed: NamedTensors = Object.fromEntries(options.specs.map((spec) => [spec.name, makeTensor(spec)]));
    feeds.push(feed);
    drawnSinceStep += Object.values(feed).reduce((count, tensor) => count + tensor.data.length, 0);
    if (drawnSinceStep >= VALUES_PER_STEP) {
      drawnSinceStep = 0;
      yield;
    }
  }
  return { feeds, batchSize: options.batchSize, description: `random tensors, seed ${options.seed}` };
}
