import { InferbenchError } from '../core/errors.js';
import type { TensorSpec } from '../models/model-source.js';
import type { NamedTensors } from '../tensors/tensor.js';

/**
 * Checks that a feed has exactly the model's inputs with compatible shapes, and returns the value
 * each symbolic dimension takes in it (e.g. { batch_size: 4, sequence_length: 128 }).
 */
export function matchInputsToModel(specs: readonly TensorSpec[], sample: NamedTensors): Record<string, number> {
  const names = specs.map((s) => s.name);
  for (const name of Object.keys(sample)) {
    if (!names.includes(name)) {
      throw new InferbenchError('INPUT_MISMATCH', `the model has no input named '${name}'; its inputs are: ${names.join(', ')}`);
    }
  }
  const dimensions: Record<string, number> = {};
  for (const spec of specs) {
    const tensor = sample[spec.name];
    if (!tensor) {
      throw new InferbenchError('INPUT_MISMATCH', `the model needs input '${spec.name}' but the inputs have only: ${Object.keys(sample).join(', ') || 'none'}`);
    }
    if (tensor.type !== spec.elementType) {
      throw new InferbenchError('INPUT_MISMATCH', `input '${spec.name}' is ${spec.elementType} in the model but ${tensor.type} in the inputs`);
    }
    if (tensor.dims.length !== spec.dims.length) {
      throw new InferbenchError('INPUT_MISMATCH', `input '${spec.name}' has ${spec.dims.length} dimensions in the model but ${tensor.dims.length} in the inputs`);
    }
    spec.dims.forEach((dim, axis) => {
      const actual = tensor.dims[axis]!;
      const expected = typeof dim === 'number' ? dim : dimensions[dim];
      if (expected !== undefined && expected !== actual && !(typeof dim === 'number' && dim < 0)) {
        throw new InferbenchError('INPUT_MISMATCH', `input '${spec.name}' dimension ${axis} (${dim}) must be ${expected}, the inputs give ${actual}`);
      }
      if (typeof dim === 'string') dimensions[dim] = actual;
    });
  }
  return dimensions;
}
