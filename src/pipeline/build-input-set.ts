import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InferbenchError } from '../core/errors.js';
import { formatBytes, plural } from '../core/format.js';
import { finishStepsCancellably } from '../core/steps.js';
import { buildImageInputSet } from '../inputs/image-input-set.js';
import { DEFAULT_IMAGE_SIZE, MAX_IMAGE_SIZE } from '../inputs/image-preprocess.js';
import type { InputSet } from '../inputs/input-set.js';
import { describeTokenizer, loadTokenizer } from '../inputs/load-tokenizer.js';
import { randomInputSteps } from '../inputs/random-input-set.js';
import { sentenceSteps } from '../inputs/sentence-generator.js';
import { loadTextCorpus } from '../inputs/text-corpus.js';
import { textInputSteps } from '../inputs/text-input-set.js';
import type { ResolvedModel } from '../models/model-source.js';
import type { BenchmarkSettings } from '../options/benchmark-options.js';
import { optionLabel } from '../options/option-schema.js';
import type { NamedTensors } from '../tensors/tensor.js';

/** Sentences generated for text models: enough for distinct batches of every sample. */
function sentenceCount(settings: BenchmarkSettings): number {
  return Math.max(settings.inputCount, settings.batchSize) * (settings.batchMode === 'distinct' ? settings.batchSize : 1);
}

/** The model's name for each text input role: the user's override, else the conventional name when the model has it. */
function textInputNames(model: ResolvedModel, settings: BenchmarkSettings): { inputIds: string; attentionMask?: string; tokenTypeIds?: string } {
  const names = model.inputs.map((i) => i.name);
  for (const [role, name] of Object.entries(settings.inputNames)) {
    if (!names.includes(name)) {
      throw new InferbenchError('INPUT_MISMATCH', `input name '${name}' (for ${role}) is not an input of ${model.name}; its inputs are: ${names.join(', ')}`);
    }
  }
  const pick = (given: string | undefined, conventional: string): string | undefined =>
    given ?? (names.includes(conventional) ? conventional : undefined);
  const inputIds = pick(settings.inputNames.inputIds, 'input_ids');
  if (inputIds === undefined) {
    throw new InferbenchError('INPUT_MISMATCH', `${model.name} has no input_ids input; name its token ids input with --input-names inputIds=NAME`);
  }
  const attentionMask = pick(settings.inputNames.attentionMask, 'attention_mask');
  const tokenTypeIds = pick(settings.inputNames.tokenTypeIds, 'token_type_ids');
  return { inputIds, ...(attentionMask ? { attentionMask } : {}), ...(tokenTypeIds ? { tokenTypeIds } : {}) };
}

async function buildTextInputs(model: ResolvedModel, settings: BenchmarkSettings, signal: AbortSignal | undefined): Promise<InputSet> {
  const inputNames = textInputNames(model, settings);
  const tokenizerSpec = settings.tokenizer ?? model.tokenizer;
  if (tokenizerSpec === undefined) {
    throw new InferbenchError('INVALID_OPTION', `${model.name} is a text model without a tokenizer; pass --tokenizer with a tokenizer.json, its directory, or bert-base-uncased`);
  }
  const texts = settings.corpus === undefined ? await finishStepsCancellably(sentenceSteps(sentenceCount(settings), settings.seed), signal) : await loadTextCorpus(settings.corpus);
  const source = settings.corpus === undefined ? `synthetic sentences (seed ${settings.seed})` : settings.corpus;
  const steps = textInputSteps({
    texts,
    tokenizer: await loadTokenizer(tokenizerSpec),
    batchSize: settings.batchSize,
    sequenceLength: settings.sequenceLength,
    padding: settings.padding,
    batchMode: settings.batchMode,
    inputCount: settings.inputCount,
    inputNames,
    description: `${source}, ${describeTokenizer(tokenizerSpec)}, ${settings.batchMode} batches`,
  });
  return finishStepsCancellably(steps, signal);
}

/** The side of the images fed to a model whose input takes any size: IMAGE_SIZE, the export's, or 256 as the workshop. */
export const freeImageSide = (model: ResolvedModel, settings: BenchmarkSettings): number => settings.imageSize ?? model.imagePreprocessing?.imageSize ?? DEFAULT_IMAGE_SIZE;

/** The sample images that ship with the package, the default corpus of image models. */
export const BUNDLED_IMAGES_DIR = fileURLToPath(new URL('../../assets/images', import.meta.url));

async function buildImageInputs(model: ResolvedModel, settings: BenchmarkSettings, signal: AbortSignal | undefined): Promise<InputSet> {
  const input = model.inputs[0]!;
  const [, d1, d2, d3] = input.dims;
  const layout = settings.imageLayout ?? (d3 === 3 && d1 !== 3 && d1 !== 'num_channels' ? 'NHWC' : 'NCHW');
  const [height, width] = layout === 'NCHW' ? [d2, d3] : [d1, d2];
  // A model compiled for one input size dictates it; a free size takes IMAGE_SIZE, the export's, or 256.
  const fixed = typeof height === 'number' && height > 0 && typeof width === 'number' && width > 0;
  if (fixed && settings.imageSize !== undefined && (settings.imageSize !== height || settings.imageSize !== width)) {
    throw new InferbenchError('INPUT_MISMATCH', `${model.name} takes ${height}×${width} images, not ${settings.imageSize}×${settings.imageSize}; leave --image-size and IMAGE_SIZE unset`);
  }
  const preset = model.imagePreprocessing;
  // The export's preprocessor_config.json comes from whoever published the model: bounded like the flag.
  if (settings.imageSize === undefined && preset?.imageSize !== undefined && preset.imageSize > MAX_IMAGE_SIZE) {
    throw new InferbenchError('INPUT_MISMATCH', `${model.name}'s preprocessor_config.json asks for images of side ${preset.imageSize}, over the ${MAX_IMAGE_SIZE} pixels inferbench takes; set imageSize (--image-size, IMAGE_SIZE) to ${MAX_IMAGE_SIZE} or less`);
  }
  return buildImageInputSet({
    directory: settings.corpus ?? BUNDLED_IMAGES_DIR,
    inputName: input.name,
    batchSize: settings.batchSize,
    inputCount: settings.inputCount,
    batchMode: settings.batchMode,
    signal,
    preprocess: {
      imageSize: fixed ? { height, width } : freeImageSide(model, settings),
      layout,
      ...((settings.imageMean ?? preset?.mean) ? { mean: settings.imageMean ?? preset?.mean } : {}),
      ...((settings.imageStd ?? preset?.std) ? { std: settings.imageStd ?? preset?.std } : {}),
    },
  });
}

/**
 * Inputs for a model by its task: tokenized text (generated sentences or a corpus file), images
 * (a folder, default the bundled samples), or seeded random tensors for anything else. `signal` stops making them.
 */
export async function buildInputSetFor(model: ResolvedModel, settings: BenchmarkSettings, signal?: AbortSignal): Promise<InputSet> {
  // One input first: what it weighs says whether the whole set fits, before the set is allocated.
  const [probe] = (await buildInputs(model, { ...settings, inputCount: 1 }, signal)).feeds;
  requireInputsFitMemory(feedBytes(probe!), settings);
  return buildInputs(model, settings, signal);
}

function buildInputs(model: ResolvedModel, settings: BenchmarkSettings, signal: AbortSignal | undefined): Promise<InputSet> {
  // Naming a text input makes any model a text model, whatever its inputs looked like.
  if (model.task === 'text' || Object.keys(settings.inputNames).length > 0) return buildTextInputs(model, settings, signal);
  if (model.task === 'image') return buildImageInputs(model, settings, signal);
  return finishStepsCancellably(randomInputSteps({ specs: model.inputs, batchSize: settings.batchSize, dimensions: settings.dimensions, inputCount: settings.inputCount, seed: settings.seed }), signal);
}

export const feedBytes = (feed: NamedTensors): number => Object.values(feed).reduce((bytes, tensor) => bytes + tensor.data.byteLength, 0);

/** The share of the machine's memory the inputs may take, held once here and once by each copy. */
const INPUT_MEMORY_SHARE = 0.5;

function requireInputsFitMemory(bytesPerInput: number, settings: BenchmarkSettings): void {
  const holders = settings.copies + 1;
  const totalBytes = bytesPerInput * settings.inputCount * holders;
  const budgetBytes = totalmem() * INPUT_MEMORY_SHARE;
  if (totalBytes <= budgetBytes) return;
  throw new InferbenchError(
    'INVALID_OPTION',
    `the inputs would take ${formatBytes(totalBytes)} (${plural(settings.inputCount, 'input')} of ${formatBytes(bytesPerInput)}, held here and by ${settings.copies === 1 ? 'the copy' : `each of the ${settings.copies} copies`}), over half of this machine's ${formatBytes(totalmem())}; lower ${optionLabel('inputCount')}, ${optionLabel('batchSize')} or ${optionLabel('copies')}`,
  );
}
