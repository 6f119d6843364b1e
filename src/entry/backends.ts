/**
 * inferbench/backends: loading an artifact's copies and running requests on them.
 *
 * @module inferbench/backends
 */
export type { Backend, BackendLoadRequest, LoadedModel, ModelCopy, InferenceTiming } from '../backends/backend.js';
export { requireArtifactFits } from '../backends/check-artifact.js';
export type { ArtifactTarget } from '../backends/check-artifact.js';
export { OrtBackend } from '../runtimes/onnxruntime/ort-backend.js';
export type { OrtBackendOptions } from '../runtimes/onnxruntime/ort-backend.js';
export type { OrtDevice } from '../runtimes/onnxruntime/ort-device.js';
export { PythonBackend } from '../runtimes/torch/python-backend.js';
export type { PythonBackendOptions, NeuronRuntime } from '../runtimes/torch/python-backend.js';
export type { PythonDevice } from '../runtimes/torch/python-protocol.js';
export type { PythonModelFormat } from '../runtimes/torch/python-protocol.js';
export { NullBackend } from '../runtimes/null/null-backend.js';
export type { NullBackendOptions } from '../runtimes/null/null-backend.js';
