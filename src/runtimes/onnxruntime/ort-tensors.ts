import * as ort from 'onnxruntime-node';
import type { NamedTensors } from '../../tensors/tensor.js';

/** Wraps plain tensors as ORT tensors without copying their data. */
export function toOrtFeeds(feed: NamedTensors): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(feed).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]),
  );
}
