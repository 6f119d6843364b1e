import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import { requireInteger } from '../core/validate.js';
import type { ModelResolveOptions, ModelSource, ResolvedModel, TensorSpec } from './model-source.js';

/** Options of {@link TorchModelSource}. */
export interface TorchModelSourceOptions {
  /** Side of a torchvision model's square input, in pixels; default 224. */
  readonly imageSize?: number;
}

/** Side of a torchvision input when none is given, as the workshop's ResNet-50. */
export const DEFAULT_TORCH_IMAGE_SIZE = 224;

/** True when `spec` names a PyTorch source rather than a file, hub id or built-in model: `torchvision:NAME`, `hf:ID` or `MODULE:FUNCTION`. */
export function isTorchModelSpec(spec: string): boolean {
  return spec.startsWith('torchvision:') || spec.startsWith('hf:') || (!spec.startsWith('synthetic:') && /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/.test(spec));
}

/** What the model takes, by source kind; a `MODULE:FUNCTION` source declares its inputs only when compiled. */
function inputsOf(spec: string, imageSize: number): { task: ResolvedModel['task']; inputs: TensorSpec[] } {
  if (spec.startsWith('torchvision:')) {
    const name = spec.slice('torchvision:'.length);
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      throw new InferbenchError('INVALID_OPTION', `'${spec}' is not a torchvision model name; use e.g. torchvision:resnet50`);
    }
    return { task: 'image', inputs: [{ name: 'input', elementType: 'float32', dims: ['batch_size', 3, imageSize, imageSize] }] };
  }
  if (/^[\w.]+:\w+$/.test(spec)) return { task: 'tensor', inputs: [] };
  throw new InferbenchError('INVALID_OPTION', `'${spec}' is not a PyTorch model source; use torchvision:NAME or MODULE:FUNCTION (hf:ID is HfTorchModelSource)`);
}

/**
 * The file of a `MODULE:FUNCTION` source's module where Python finds it first: in the working directory, which the
 * compile puts first on its path. Undefined for a module installed elsewhere.
 */
async function moduleFile(spec: string): Promise<Buffer | undefined> {
  const base = join(process.cwd(), ...spec.slice(0, spec.lastIndexOf(':')).split('.'));
  for (const path of [`${base}.py`, join(base, '__init__.py')]) {
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes !== undefined) return bytes;
  }
  return undefined;
}

/**
 * A PyTorch model that exists only as code until a `TorchCompiler` builds it in Python, as the
 * workshop builds torchvision's ResNet-50. Resolving checks the spec and declares the inputs; the
 * resolved `path` is the spec itself. There is no model file yet: `sha256` is the digest of the spec and, for a
 * `MODULE:FUNCTION` whose module lies in the working directory, of that module's file too, so that editing it is a
 * new model (and a new compile), not the cached one.
 */
export class TorchModelSource implements ModelSource {
  readonly id: string;
  readonly #imageSize: number;

  constructor(spec: string, options: TorchModelSourceOptions = {}) {
    this.id = spec;
    this.#imageSize = requireInteger('imageSize', options.imageSize ?? DEFAULT_TORCH_IMAGE_SIZE, 1);
  }

  async resolve(options: ModelResolveOptions): Promise<ResolvedModel> {
    options.signal?.throwIfAborted();
    const { task, inputs } = inputsOf(this.id, this.#imageSize);
    const torchvision = this.id.startsWith('torchvision:');
    const code = task === 'tensor' ? await moduleFile(this.id) : undefined;
    return {
      name: torchvision ? `${this.id} (random weights)` : this.id,
      path: this.id,
      format: 'torch',
      sha256: createHash('sha256').update(this.id).update(code ?? '').digest('hex'),
      sizeBytes: 0,
      inputs,
      outputs: [],
      synthetic: torchvision,
      task,
      ...(torchvision ? { imagePreprocessing: { imageSize: this.#imageSize } } : {}),
    };
  }
}
