import { findOffBatchTensor } from '../compilers/batch-size.js';
import type { ArtifactFormat, CompiledArtifact } from '../compilers/compiler.js';
import { InferbenchError } from '../core/errors.js';
import type { InputSet } from '../inputs/input-set.js';

/** What a backend runs, to check an artifact against. */
export interface ArtifactTarget {
  /** Backend name, for the message. */
  readonly backend: string;
  /** Format the backend loads. */
  readonly format: ArtifactFormat;
  /** Device the backend runs on. */
  readonly device: string;
}

/**
 * Throws unless `artifact` can run `inputs` on `target`, so that a mismatch is one line before any
 * copy starts rather than a runtime's error on the first request. INVALID_OPTION: another format,
 * or a model traced for another device. INPUT_MISMATCH: inputs of another batch size, or other input
 * names than the model's. A hand-made artifact is checked only for what it records (its batch size,
 * its model's inputs); a backend that loads no model passes no target.
 */
export function requireArtifactFits(artifact: CompiledArtifact, inputs: InputSet, target?: ArtifactTarget): void {
  if (target !== undefined) requireArtifactRunsOn(artifact, target);
  if (artifact.batchSize !== undefined) requireBatchSize(artifact.batchSize, inputs);
  const names = artifact.model?.inputs.map((spec) => spec.name) ?? [];
  if (names.length > 0) requireInputNames(names, inputs);
}

function requireArtifactRunsOn(artifact: CompiledArtifact, target: ArtifactTarget): void {
  const problem =
    artifact.format !== undefined && artifact.format !== target.format
      ? `is ${artifact.format}, but ${target.backend} loads ${target.format}; compile it with format ${target.format}`
      : artifact.device !== undefined && artifact.device !== target.device
        ? `was compiled for device ${artifact.device}, but ${target.backend} runs on ${target.device}; compile it with device ${target.device}`
        : undefined;
  if (problem !== undefined) throw new InferbenchError('INVALID_OPTION', `artifact ${artifact.path} ${problem}`);
}

function requireBatchSize(compiled: number, inputs: InputSet): void {
  const mismatch = (what: string, batch: number | undefined): InferbenchError =>
    new InferbenchError(
      'INPUT_MISMATCH',
      `the artifact was compiled for batch ${compiled} but ${what} batch ${batch ?? 'dimension'}; ` +
        (batch === undefined ? '' : `compile with batchSize ${batch} or `) +
        `build inputs with batchSize ${compiled}`,
    );
  if (inputs.batchSize !== compiled) throw mismatch('the inputs have', inputs.batchSize);
  for (const [index, feed] of inputs.feeds.entries()) {
    const off = findOffBatchTensor(feed, compiled);
    if (off !== undefined) throw mismatch(`input ${index}'s '${off.name}' [${off.dims.join(', ')}] has${off.batch === undefined ? ' no' : ''}`, off.batch);
  }
}

function requireInputNames(names: readonly string[], inputs: InputSet): void {
  for (const [index, feed] of inputs.feeds.entries()) {
    const given = Object.keys(feed);
    if (given.length !== names.length || !names.every((name) => name in feed)) {
      throw new InferbenchError(
        'INPUT_MISMATCH',
        `the artifact takes inputs ${names.join(', ')} but input ${index} has ${given.join(', ') || 'none'}; build inputs for the model the artifact was compiled from`,
      );
    }
  }
}
