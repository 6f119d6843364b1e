import * as ort from 'onnxruntime-node';
import type { NamedTensors } from '../../inputs/tensor.js';

/** Wraps plain tensors as ORT tensors without copying their data. */
export function toOrtFeeds(sample: NamedTensors): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(sample).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]),
  );
}
