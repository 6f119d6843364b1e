import { totalmem } from 'node:os';
import { InferbenchError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import type { InputSet } from '../inputs/input-set.js';
import type { ResolvedModel } from '../models/model-source.js';
import type { BenchmarkSettings } from '../options/benchmark-options.js';
import { optionLabel } from '../options/option-schema.js';
import { feedBytes, freeImageSide } from './build-input-set.js';

/** The share of the machine's memory that computing batches, with the inputs, may take: the half the inputs alone may. */
const MEMORY_SHARE = 0.5;

/**
 * Refuses a batch whose computation would not fit in memory, before ONNX Runtime allocates it: past memory, the
 * compile's check run is killed by the kernel, with no line. The model's estimate of one batch counts in every copy on
 * the CPU, and once on a GPU (the check run computes the source model on the CPU); `inputs`, once built, count too, here
 * and in every copy. A model without an estimate passes.
 */
export function requireComputeFitsMemory(model: ResolvedModel, settings: BenchmarkSettings, inputs?: InputSet): void {
  if (model.computeBytes === undefined) return;
  const { batchSize, sequenceLength, copies } = settings;
  const computing = settings.device === 'cpu' ? copies : 1;
  const batchBytes = model.computeBytes({ batchSize, sequenceLength, imageSide: freeImageSide(model, settings) });
  const inputBytes = (inputs?.feeds ?? []).reduce((bytes, feed) => bytes + feedBytes(feed), 0) * (copies + 1);
  const totalBytes = batchBytes * computing + inputBytes;
  const budgetBytes = totalmem() * MEMORY_SHARE;
  if (totalBytes <= budgetBytes) return;
  // Both grow in proportion to the batch, so the largest batch that fits does too.
  const largest = Math.floor((batchSize * budgetBytes) / totalBytes);
  const fewerCopies = computing > 1 ? `, or lower ${optionLabel('copies')}` : '';
  const fix = largest >= 1 ? `set ${optionLabel('batchSize')} to ${largest} or less${fewerCopies}` : `lower ${optionLabel(model.task === 'image' ? 'imageSize' : 'sequenceLength')}${fewerCopies}`;
  const perSample = `${formatBytes(batchBytes / batchSize)} a sample${computing > 1 ? `, in each of the ${computing} copies` : ''}`;
  const beside = inputBytes === 0 ? '' : `, beside ${formatBytes(inputBytes)} of inputs`;
  throw new InferbenchError(
    'INVALID_OPTION',
    `computing batches of ${batchSize} on ${model.name} would take about ${formatBytes(batchBytes * computing)} (${perSample})${beside}, over half of this machine's ${formatBytes(totalmem())}; ${fix}`,
  );
}
