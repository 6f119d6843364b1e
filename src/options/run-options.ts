import { z } from 'zod';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import { assignments, choice, finite, integer, numbers, onOff, option, positive, text, texts } from './option-kinds.js';
import { MAX_IMAGE_SIZE } from '../inputs/image-preprocess.js';

const positiveInteger = integer(1).schema;

/** Where a model can run. */
export const DEVICES = ['cpu', 'cuda', 'tensorrt', 'neuron'] as const;

/** Samples per request unless told otherwise: the workshop's. */
export const DEFAULT_BATCH_SIZE = 4;

/** The model, its inputs, where it runs and how the run is judged: every run option but the load generator's. */
export const MODEL_OPTIONS = {
  /** Model name or path: `synthetic:bert` (default), `synthetic:bert-base`, `synthetic:resnet50`, an `.onnx` file, an export directory, or a Hugging Face Hub id `org/name[@revision]`. */
  model: option(text('name|path', 'must name a model'), { default: DEFAULT_MODEL, help: 'Model: synthetic:bert, an .onnx file, an export dir or org/name', defaultText: DEFAULT_MODEL, topic: 'model', short: 'm', env: 'MODEL_NAME' }),
  /** Samples per request; default 4, as the workshop. */
  batchSize: option(integer(1), { default: DEFAULT_BATCH_SIZE, help: 'Samples per request; the model is compiled for it', defaultText: '4', topic: 'model', short: 'b', env: 'BATCH_SIZE', compared: 'configuration' }),
  /** Tokens per text sample (max_length); default 128, as the workshop. */
  sequenceLength: option(integer(1), { default: 128, help: 'Tokens per text sample (padding and truncation)', defaultText: '128', topic: 'model', env: 'MAX_LENGTH', compared: 'configuration' }),
} as const;

/** Where the model runs. */
export const DEVICE_OPTIONS = {
  /** Model copies, one worker each; default 1. */
  copies: option(integer(1), { default: 1, help: 'Model copies, one worker each', defaultText: '1', topic: 'device', env: 'NUM_MODELS', compared: 'configuration' }),
  /** Where the model runs: `cpu` (default); NVIDIA GPUs through `cuda` (ONNX Runtime or the Python worker) or ONNX Runtime's `tensorrt`; `neuron` for PyTorch models traced for AWS Inferentia/Trainium. */
  device: option(choice(DEVICES), { default: 'cpu', help: 'Where the model runs', defaultText: 'cpu', topic: 'device', compared: 'configuration' }),
  /** For PyTorch sources: trace to `torchscript` (default; runs in the Python worker) or export to `onnx` (runs on ONNX Runtime). */
  artifactFormat: option(choice(['torchscript', 'onnx']), { default: 'torchscript', help: 'What a PyTorch model is compiled to', defaultText: 'torchscript', topic: 'device', oldFlags: [{ name: 'format' }], compared: 'configuration' }),
  /** With `device: 'neuron'`, the package that traces and runs the model: `torch-neuronx` (default; inf2, trn1) or `torch-neuron` (inf1). */
  neuronRuntime: option(choice(['torch-neuronx', 'torch-neuron']), { default: 'torch-neuronx', help: 'Neuron package of --device neuron: torch-neuronx (inf2, trn1) or torch-neuron (inf1)', defaultText: 'torch-neuronx', topic: 'device', compared: 'configuration' }),
  /** With `device: 'tensorrt'`, build FP16 engines; default false. */
  tensorrtFp16: option(onOff(), { default: false, help: 'FP16 TensorRT engines', defaultText: 'off', topic: 'device', compared: 'configuration' }),
  /** Intra-op threads per copy; default the cores divided by the copies. */
  intraOpThreadsPerCopy: option(integer(1), { help: 'ONNX Runtime intra-op threads per copy', defaultText: 'cores ÷ copies', topic: 'device', oldFlags: [{ name: 'threads-per-copy' }], compared: 'configuration' }),
  /** GPUs to spread the copies over (copy i on the (i mod n)-th); default every GPU nvidia-smi lists. */
  deviceIds: option(numbers(integer(0).schema, { what: 'GPU indexes', example: [0, 1], valueHint: 'ids' }), { help: 'GPUs to spread copies over, e.g. 0,1', defaultText: 'every GPU', topic: 'device', oldFlags: [{ name: 'gpus' }] }),
  /** Cache of generated and compiled models; default $INFERBENCH_CACHE_DIR, else $XDG_CACHE_HOME/inferbench or ~/.cache/inferbench. */
  cacheDir: option(text('dir'), { help: 'Cache of generated and compiled models', defaultText: '$INFERBENCH_CACHE_DIR, else ~/.cache/inferbench', topic: 'device' }),
} as const;

/** The inputs fed to the model. */
export const INPUT_OPTIONS = {
  /** Preloaded inputs; default 10, as the workshop. */
  inputCount: option(integer(1), { default: 10, help: 'Preloaded inputs', defaultText: '10', topic: 'inputs', oldFlags: [{ name: 'samples' }], compared: 'configuration' }),
  /** `repeat` one input across the batch (the workshop's way, default) or use `distinct` inputs. */
  batchMode: option(choice(['repeat', 'distinct']), { default: 'repeat', help: 'Repeat one input across the batch, or distinct ones', defaultText: 'repeat', topic: 'inputs', compared: 'configuration' }),
  /** Tokenizer of a text model: a tokenizer.json, its directory, or `bert-base-uncased`; default the model's own. */
  tokenizer: option(text('path|name'), { help: 'tokenizer.json, its directory, or bert-base-uncased', defaultText: "the model's", topic: 'inputs', compared: 'context' }),
  /** Inputs: a text file (a sample a line) or .jsonl for text models, a folder of JPEG/PNG images for image models; default generated sentences or the bundled sample images. */
  corpus: option(text('path'), { help: 'Text file or .jsonl (text models); image folder (image models)', defaultText: 'generated', topic: 'inputs', compared: 'context' }),
  /** Text padding: to `sequenceLength` (default) or to the longest text of the corpus. */
  padding: option(choice(['max_length', 'longest']), { default: 'max_length', help: 'Pad texts to the sequence length or to the longest', defaultText: 'max_length', topic: 'inputs', compared: 'configuration' }),
  /** Input names by role, when a text model's differ from BERT's. */
  inputNames: option(
    assignments(z.strictObject({ inputIds: z.string().min(1), attentionMask: z.string().min(1), tokenTypeIds: z.string().min(1) }).partial(), (name) => name, {
      form: 'role=name pairs separated by commas, roles inputIds, attentionMask, tokenTypeIds',
      valueHint: 'role=name,…',
    }),
    { default: {}, help: 'Input names of a text model, e.g. inputIds=ids', topic: 'inputs' },
  ),
  /** Sizes of free dimensions other than the batch, for random inputs (e.g. `{ height: 224 }`). */
  dimensions: option(
    assignments(z.record(z.string(), positiveInteger), (size) => finite(size) ?? size, { form: 'name=n pairs separated by commas, each n an integer ≥ 1, e.g. height=224', valueHint: 'name=n,…' }),
    { default: {}, help: 'Sizes of free dimensions for random inputs', topic: 'inputs', oldFlags: [{ name: 'dims' }], compared: 'configuration' },
  ),
  /** Side of the square an image is resized and centre-cropped to; default the model's fixed size, its export's, or 256 as the workshop. */
  imageSize: option(integer(1, MAX_IMAGE_SIZE), { help: 'Side images are resized and centre-cropped to', defaultText: "the model's, else 256", topic: 'inputs', env: 'IMAGE_SIZE', compared: 'configuration' }),
  /** Image tensor layout; default what the model's input shape shows, else NCHW. */
  imageLayout: option(choice(['NCHW', 'NHWC']), { help: 'Image tensor layout', defaultText: 'from the model', topic: 'inputs', compared: 'configuration' }),
  /** Per-channel mean on [0, 1] pixels; default the export's, else ImageNet's. */
  imageMean: option(numbers(z.number(), { what: '3 numbers, one per channel', example: [0.485, 0.456, 0.406], valueHint: 'r,g,b', length: 3 }), {
    help: 'Per-channel mean on [0, 1] pixels',
    defaultText: "ImageNet's",
    topic: 'inputs',
    compared: 'configuration',
  }),
  /** Per-channel standard deviation; default the export's, else ImageNet's. */
  imageStd: option(numbers(z.number().positive(), { what: '3 positive numbers, one per channel', example: [0.229, 0.224, 0.225], valueHint: 'r,g,b', length: 3 }), {
    help: 'Per-channel standard deviation',
    defaultText: "ImageNet's",
    topic: 'inputs',
    compared: 'configuration',
  }),
} as const;

/** What a run is judged against, and how a Server rate is found. */
export const JUDGEMENT_OPTIONS = {
  /** Pass/fail thresholds such as `p95<20ms` or `throughput>500/s`, for CI. */
  thresholds: option(texts('expr,…'), { default: [], help: 'Pass/fail conditions, e.g. p95<20ms,throughput>500/s', topic: 'reporting', short: 't', oldFlags: [{ name: 'threshold' }] }),
  /** Price of the machine per hour (any currency), for the cost of a million inferences. */
  costPerHour: option(positive('price'), { help: 'Price of the machine per hour, for the cost of 1M samples', topic: 'reporting' }),
  /** `server`: search for the highest rate whose latency meets the target, instead of running at `rateQps`. */
  searchQps: option(onOff(), { default: false, help: 'server: find the highest rate that meets the target', defaultText: 'off', topic: 'load', oldFlags: [{ name: 'search' }], excludes: ['rateQps'] }),
  /** `server` search: measured trials; default 6. */
  searchTrials: option(integer(1), { default: 6, help: 'Trials of the server rate search', defaultText: '6', topic: 'load' }),
} as const;
