/**
 * inferbench/compilers: turning a model into an artifact for one batch size and device.
 *
 * @module inferbench/compilers
 */
export type { Compiler, CompileRequest, CompiledArtifact, ArtifactFormat } from '../compilers/compiler.js';
export { OrtCompiler } from '../runtimes/onnxruntime/ort-compiler.js';
export type { OrtCompilerOptions, GraphOptimizationLevel } from '../runtimes/onnxruntime/ort-compiler.js';
export { TorchCompiler } from '../runtimes/torch/torch-compiler.js';
export type { TorchCompilerOptions, TorchCompiledArtifact } from '../runtimes/torch/torch-compiler.js';
