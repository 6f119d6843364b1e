import type { ModelTask, TensorSpec } from './model-source.js';

/**
 * A model's task from its inputs alone: token ids make a text model, a single float input of four
 * dimensions with three channels (NCHW or NHWC; Hugging Face's `pixel_values` with its symbolic
 * `num_channels`) an image model, anything else takes plain tensors.
 */
export function inferTask(inputs: readonly TensorSpec[]): ModelTask {
  if (inputs.some((i) => i.name === 'input_ids')) return 'text';
  const [only, ...rest] = inputs;
  const channelsFirst = only?.dims[1] === 3 || only?.dims[1] === 'num_channels' || only?.name === 'pixel_values';
  if (only && rest.length === 0 && only.elementType === 'float32' && only.dims.length === 4 && (channelsFirst || only.dims[3] === 3)) {
    return 'image';
  }
  return 'tensor';
}
