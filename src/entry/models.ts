/**
 * inferbench/models: where a benchmark's model and its inputs come from.
 *
 * @module inferbench/models
 */
export type { ModelSource, ModelResolveOptions, ResolvedModel, ModelTask, ImagePreprocessing, BatchShape } from '../models/model-source.js';
export type { TensorSpec, TensorData, TensorElementType, TensorArrayByType, FeedTensor, FeedElementType, NamedTensors } from '../tensors/tensor.js';
export { float16BitsToNumber } from '../tensors/tensor.js';
export { resolveModelSource, DEFAULT_MODEL } from '../models/resolve-model-source.js';
export type { ModelSourceOptions } from '../models/resolve-model-source.js';
export { OnnxFileSource } from '../models/onnx-file-source.js';
export type { OnnxFileSourceOptions } from '../models/onnx-file-source.js';
export { HfExportDirSource } from '../models/hf-export-dir-source.js';
export { HubModelSource } from '../models/hub-model-source.js';
export type { HubModelSourceOptions } from '../models/hub-model-source.js';
export type { HubSettings } from '../models/hub/hub-settings.js';
export { HfTorchModelSource } from '../models/hf-torch-source.js';
export type { HfTorchModelSourceOptions } from '../models/hf-torch-source.js';
export { TorchModelSource } from '../models/torch-model-source.js';
export type { TorchModelSourceOptions } from '../models/torch-model-source.js';
export { SyntheticBertSource } from '../models/synthetic-bert-source.js';
export { SyntheticResnetSource } from '../models/synthetic-resnet-source.js';
export type { InputSet } from '../inputs/input-set.js';
export { buildTextInputSet } from '../inputs/text-input-set.js';
export type { TextInputSetOptions } from '../inputs/text-input-set.js';
export { buildImageInputSet } from '../inputs/image-input-set.js';
export type { ImageInputSetOptions } from '../inputs/image-input-set.js';
export type { ImagePreprocessOptions } from '../inputs/image-preprocess.js';
export { buildRandomInputSet } from '../inputs/random-input-set.js';
export type { RandomInputSetOptions } from '../inputs/random-input-set.js';
export { loadTokenizer } from '../inputs/load-tokenizer.js';
export type { TextTokenizer, TextEncodeOptions, TextEncoding, TextInput } from '../inputs/text-tokenizer.js';
export type { TokenizerJson } from '../inputs/text-tokenizer.js';
// Generated models and inputs, for demos and tests that need no download.
export { buildSyntheticBert, DEFAULT_SYNTHETIC_BERT } from '../models/synthetic-bert.js';
export type { SyntheticBertConfig } from '../models/synthetic-bert.js';
export { buildSyntheticResnet, DEFAULT_SYNTHETIC_RESNET50 } from '../models/synthetic-resnet.js';
export type { SyntheticResnetConfig } from '../models/synthetic-resnet.js';
export { createBertUncasedTokenizer, bertUncasedTokenizerJson } from '../inputs/bert-uncased-tokenizer.js';
export { generateSentences } from '../inputs/sentence-generator.js';
export { renderTextLine } from '../inputs/text-line-image.js';
export type { TextLineImageOptions } from '../inputs/text-line-image.js';
