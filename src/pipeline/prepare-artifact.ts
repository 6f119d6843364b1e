import type { CompiledArtifact, Compiler } from '../compilers/compiler.js';
import type { TorchCompiledArtifact } from '../runtimes/torch/torch-compiler.js';
import { InferbenchError } from '../core/errors.js';
import type { InputSet } from '../inputs/input-set.js';
import { matchInputsToModel } from '../inputs/match-inputs.js';
import type { ResolvedModel } from '../models/model-source.js';
import type { BenchmarkPhase, BenchmarkSettings } from '../options/benchmark-options.js';
import { buildInputSetFor } from './build-input-set.js';
import { requireComputeFitsMemory } from './compute-memory.js';
import { optionLabel } from '../options/option-schema.js';

/** What a run loads: the compiled artifact and the inputs its copies hold. */
export interface PreparedArtifact {
  /** The model compiled for the batch size. */
  readonly artifact: CompiledArtifact;
  /** The inputs, shaped for the artifact. */
  readonly inputs: InputSet;
}

/**
 * Refuses, before anything is built, a sequence longer than a text model's position table, and a batch size that an
 * input's fixed first dimension contradicts: the inputs would follow the model, and the report would state a batch,
 * and samples per second, that were never run.
 */
function requireInputsFit(model: ResolvedModel, settings: BenchmarkSettings): void {
  const { batchSize, sequenceLength } = settings;
  if (model.task === 'text' && model.maxSequenceLength !== undefined && sequenceLength > model.maxSequenceLength) {
    throw new InferbenchError(
      'INPUT_MISMATCH',
      `${model.name} takes at most ${model.maxSequenceLength} tokens (its position table), so the sequence length cannot be ${sequenceLength}; set ${optionLabel('sequenceLength')} to ${model.maxSequenceLength} or less`,
    );
  }
  for (const spec of model.inputs) {
    const first = spec.dims[0];
    if (typeof first === 'number' && first > 0 && first !== batchSize) {
      throw new InferbenchError(
        'INPUT_MISMATCH',
        `${model.name}'s input '${spec.name}' [${spec.dims.join(', ')}] has a fixed batch dimension of ${first}, so the batch size cannot be ${batchSize}; set ${optionLabel('batchSize')} to ${first}`,
      );
    }
  }
}

/**
 * Builds the inputs and compiles the model for them. A PyTorch `module:function` source declares no
 * inputs: it is compiled for the batch size first, and its own example inputs become the input set.
 */
export async function prepareArtifact(
  model: ResolvedModel,
  settings: BenchmarkSettings,
  compiler: Compiler,
  cacheDir: string,
  options: { readonly signal?: AbortSignal; readonly onPhase?: (phase: BenchmarkPhase) => void } = {},
): Promise<PreparedArtifact> {
  const { signal, onPhase } = options;
  if (model.format === 'torch' && model.inputs.length === 0) {
    onPhase?.('compile');
    const artifact = await compiler.compile({ model, input: {}, batchSize: settings.batchSize, cacheDir, signal });
    const example = (artifact as Partial<TorchCompiledArtifact>).exampleInputs;
    if (!example) throw new InferbenchError('INPUT_MISMATCH', `${model.name} declares no inputs and its compiler made none; compile it with the PyTorch compiler`);
    onPhase?.('inputs');
    return { artifact, inputs: { feeds: [example], batchSize: settings.batchSize, description: `the example inputs ${model.name} returns` } };
  }
  requireInputsFit(model, settings);
  // Checked before the inputs are made, and again once they weigh what they do.
  requireComputeFitsMemory(model, settings);
  onPhase?.('inputs');
  const inputs = await buildInputSetFor(model, settings, signal);
  matchInputsToModel(model.inputs, inputs.feeds[0]!);
  requireComputeFitsMemory(model, settings, inputs);
  onPhase?.('compile');
  const artifact = await compiler.compile({ model, input: inputs.feeds[0]!, batchSize: settings.batchSize, cacheDir, signal });
  return { artifact, inputs };
}
