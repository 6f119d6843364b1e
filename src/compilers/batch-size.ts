import { InferbenchError } from '../core/errors.js';
import { requireInteger } from '../core/validate.js';
import type { NamedTensors } from '../tensors/tensor.js';
import type { CompileRequest } from './compiler.js';

/** A tensor of a feed whose first dimension is not the expected batch size. */
export interface OffBatchTensor {
  /** Its name in the feed. */
  readonly name: string;
  /** Its shape, for the message. */
  readonly dims: readonly number[];
  /** Its first dimension; undefined for a scalar, which has none. */
  readonly batch: number | undefined;
}

/** The first tensor of `feed` whose first dimension is not `batchSize`; undefined when every one agrees. */
export function findOffBatchTensor(feed: NamedTensors, batchSize: number): OffBatchTensor | undefined {
  for (const [name, tensor] of Object.entries(feed)) {
    if (tensor.dims[0] !== batchSize) return { name, dims: tensor.dims, batch: tensor.dims[0] };
  }
  return undefined;
}

/**
 * The request's batch size, once it is a positive integer that the input feed agrees with: a feed of
 * another batch would otherwise be compiled silently, and the artifact fail on the inputs later.
 */
export function requireCompileBatchSize(request: CompileRequest): number {
  const { batchSize, input } = request;
  requireInteger('batchSize', batchSize, 1);
  const off = findOffBatchTensor(input, batchSize);
  if (off !== undefined) {
    const rebuild = `build the feed with batchSize ${batchSize}`;
    throw new InferbenchError(
      'INPUT_MISMATCH',
      `batchSize is ${batchSize} but the input feed's '${off.name}' is [${off.dims.join(', ')}]; ${off.batch === undefined ? rebuild : `compile with batchSize ${off.batch} or ${rebuild}`}`,
    );
  }
  return batchSize;
}
