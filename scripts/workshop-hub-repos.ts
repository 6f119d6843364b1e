// Hub repositories in the format the workshop's models have on the Hugging Face Hub (config.json, safetensors weights,
// the tokenizer or the image preprocessor's config), with weights drawn as the architectures initialise them, for
// the loopback hub of scripts/serve-hub.ts and the bench. They are not pretrained: only their format and shapes are
// the Hub's.
import { seededRandom } from '../src/core/random.js';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { DEFAULT_SYNTHETIC_BERT } from '../src/models/synthetic-bert.js';
import { bertTensorNames } from '../src/models/weights/bert-checkpoint.js';
import { resnetCheckpointModules, resnetShapeOf } from '../src/models/weights/resnet-checkpoint.js';
import type { FakeHubRepo } from '../test/helpers/fake-hub.js';
import { float32Safetensors } from '../test/helpers/safetensors-file.js';

type Tensors = Map<string, { shape: number[]; values: Float32Array }>;

/** The built-in BERT's shape, saved as BertForSequenceClassification saves it. */
const BERT_SHAPE = { ...DEFAULT_SYNTHETIC_BERT, family: 'bert', layerNormEpsilon: 1e-12 } as const;

/** A BERT sequence classifier of the built-in model's shape, with bert-base-uncased's tokenizer. */
export function bertRepo(id: string, commit: string): FakeHubRepo {
  const random = seededRandom(3);
  const tensors: Tensors = new Map();
  // As BERT initialises them: normal(0, 0.02), biases 0, LayerNorm scales 1.
  for (const [graphName, tensor, dims] of bertTensorNames(BERT_SHAPE, true)) {
    const count = dims.reduce((a, b) => a * b, 1);
    const fill = graphName.endsWith('.gamma') ? 1 : graphName.endsWith('.beta') || graphName.endsWith('.bias') ? 0 : undefined;
    tensors.set(tensor, { shape: dims, values: fill === undefined ? random.normals(count, 0.02) : new Float32Array(count).fill(fill) });
  }
  const config = {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    hidden_size: BERT_SHAPE.hiddenSize,
    num_hidden_layers: BERT_SHAPE.layers,
    num_attention_heads: BERT_SHAPE.heads,
    intermediate_size: BERT_SHAPE.intermediateSize,
    vocab_size: BERT_SHAPE.vocabSize,
    max_position_embeddings: BERT_SHAPE.maxPositions,
    type_vocab_size: BERT_SHAPE.typeVocabSize,
    num_labels: BERT_SHAPE.numLabels,
  };
  return {
    id,
    commit,
    files: [
      { path: 'config.json', content: JSON.stringify(config) },
      { path: 'model.safetensors', content: float32Safetensors(tensors), lfs: true },
      { path: 'tokenizer.json', content: JSON.stringify(bertUncasedTokenizerJson()) },
      { path: 'tokenizer_config.json', content: JSON.stringify({ do_lower_case: true, model_max_length: 512 }) },
    ],
  };
}

/** microsoft/resnet-50's config.json, less its 1,000 label names. */
const RESNET50_CONFIG = {
  architectures: ['ResNetForImageClassification'],
  model_type: 'resnet',
  layer_type: 'bottleneck',
  num_channels: 3,
  embedding_size: 64,
  hidden_sizes: [256, 512, 1024, 2048],
  depths: [3, 4, 6, 3],
  hidden_act: 'relu',
  downsample_in_first_stage: false,
  num_labels: 1000,
};

/** microsoft/resnet-50's preprocessor_config.json. */
const RESNET50_PREPROCESSOR = {
  crop_pct: 0.875,
  do_normalize: true,
  do_resize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_std: [0.229, 0.224, 0.225],
  resample: 3,
  size: { shortest_edge: 224 },
};

/** A ResNet-50 image classifier in the Hub's format, with its preprocessor's config. */
export function resnet50Repo(id: string, commit: string): FakeHubRepo {
  const random = seededRandom(5);
  const shape = resnetShapeOf({ dir: id, config: RESNET50_CONFIG, files: new Map() });
  const tensors: Tensors = new Map();
  for (const [spec, module] of resnetCheckpointModules(shape, 'resnet.')) {
    const fanIn = spec.inChannels * spec.kernel * spec.kernel;
    // He initialisation, as torchvision's ResNet; BatchNorm at identity.
    tensors.set(`${module}.convolution.weight`, { shape: [spec.outChannels, spec.inChannels, spec.kernel, spec.kernel], values: random.normals(spec.outChannels * fanIn, Math.sqrt(2 / fanIn)) });
    for (const [field, fill] of [['weight', 1], ['bias', 0], ['running_mean', 0], ['running_var', 1]] as const) {
      tensors.set(`${module}.normalization.${field}`, { shape: [spec.outChannels], values: new Float32Array(spec.outChannels).fill(fill) });
    }
  }
  const features = shape.stageWidths.at(-1)!;
  tensors.set('classifier.1.weight', { shape: [shape.numClasses, features], values: random.normals(shape.numClasses * features, 0.01) });
  tensors.set('classifier.1.bias', { shape: [shape.numClasses], values: new Float32Array(shape.numClasses) });
  return {
    id,
    commit,
    files: [
      { path: 'config.json', content: JSON.stringify(RESNET50_CONFIG) },
      { path: 'model.safetensors', content: float32Safetensors(tensors), lfs: true },
      { path: 'preprocessor_config.json', content: JSON.stringify(RESNET50_PREPROCESSOR) },
    ],
  };
}
