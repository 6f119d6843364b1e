// Errors
export { InferbenchError, isInferbenchError } from './core/errors.js';
export type { InferbenchErrorCode } from './core/errors.js';

// Models
export type { ModelSource, ModelResolveOptions, ResolvedModel, ModelTask, ImagePreprocessing } from './models/model-source.js';
export { OnnxFileSource } from './models/onnx-file-source.js';
export type { OnnxFileSourceOptions } from './models/onnx-file-source.js';
export { SyntheticBertSource } from './models/synthetic-bert-source.js';
export { buildSyntheticBert, DEFAULT_SYNTHETIC_BERT } from './models/synthetic-bert.js';
export type { SyntheticBertConfig } from './models/synthetic-bert.js';
export { buildSyntheticResnet, DEFAULT_SYNTHETIC_RESNET50 } from './models/synthetic-resnet.js';
export type { SyntheticResnetConfig } from './models/synthetic-resnet.js';
export { SyntheticResnetSource } from './models/synthetic-resnet-source.js';
export { resolveModelSource, DEFAULT_MODEL } from './models/resolve-model-source.js';
export { HfExportDirSource } from './models/hf-export-dir-source.js';
export { HubModelSource } from './models/hub-model-source.js';
export type { HubModelSourceOptions } from './models/hub-model-source.js';
export { downloadHubFile } from './models/hub/hub-download.js';
export type { HubDownloadOptions } from './models/hub/hub-download.js';
export type { HubDownloadProgress } from './models/hub/hub-blob-download.js';
export { resolveHubSettings, defaultHubCacheDir, DEFAULT_HUB_ENDPOINT } from './models/hub/hub-settings.js';
export type { HubSettings, HubSettingsOptions } from './models/hub/hub-settings.js';
export { parseRepoSpec, DEFAULT_HUB_REVISION } from './models/hub/hub-repo.js';
export type { HubRepoSpec } from './models/hub/hub-repo.js';
export { hubSnapshotDir, lookupHubCache } from './models/hub/hub-cache.js';
export type { HubCacheLookup, HubCacheQuery } from './models/hub/hub-cache.js';
export type { ModelSourceOptions } from './models/resolve-model-source.js';
export { SyntheticModelSource } from './models/synthetic-source.js';
export type { SyntheticModelDefinition } from './models/synthetic-source.js';
export { BERT_BASE_CONFIG } from './models/synthetic-bert-source.js';
export { inferTask } from './models/infer-task.js';
export { TorchModelSource, isTorchModelSpec, DEFAULT_TORCH_IMAGE_SIZE, TORCH_TEXT_SEQUENCE_LENGTH } from './models/torch-model-source.js';
export type { TorchModelSourceOptions } from './models/torch-model-source.js';
export { defaultCacheDir } from './models/cache-dir.js';

// Inputs
export type { TensorData, TensorElementType, TensorArrayByType, FeedTensor, FeedElementType, NamedTensors, TensorSpec } from './tensors/tensor.js';
export type { InputSet } from './inputs/input-set.js';
export { buildTextInputSet } from './inputs/text-input-set.js';
export type { TextInputSetOptions } from './inputs/text-input-set.js';
export { buildRandomInputSet } from './inputs/random-input-set.js';
export type { RandomInputSetOptions } from './inputs/random-input-set.js';
export { createTextTokenizer } from './inputs/text-tokenizer.js';
export { createBertUncasedTokenizer, bertUncasedTokenizerJson } from './inputs/bert-uncased-tokenizer.js';
export type { TextTokenizer, TextEncodeOptions, TextEncoding, TextInput, TokenizerJson, TokenizerConfigJson } from './inputs/text-tokenizer.js';
export { loadBertUncasedVocab, BERT_UNCASED_VOCAB_SIZE } from './inputs/bert-vocab.js';
export { generateSentences } from './inputs/sentence-generator.js';
export { loadTextCorpus } from './inputs/text-corpus.js';
export { preprocessImage, resolveImagePreprocess, IMAGENET_MEAN, IMAGENET_STD, DEFAULT_IMAGE_SIZE } from './inputs/image-preprocess.js';
export type { ImagePreprocessOptions, ImagePreprocessSettings } from './inputs/image-preprocess.js';
export { buildImageInputSet } from './inputs/image-input-set.js';
export type { ImageInputSetOptions } from './inputs/image-input-set.js';
export { renderTextLine } from './inputs/text-line-image.js';
export type { TextLineImageOptions } from './inputs/text-line-image.js';
export { loadTokenizer, describeTokenizer } from './inputs/load-tokenizer.js';
export { matchInputsToModel } from './inputs/match-inputs.js';

// Compilers
export type { Compiler, CompileRequest, CompiledArtifact, ArtifactFormat, ArtifactTarget } from './compilers/compiler.js';
export { requireArtifactFits } from './compilers/compiler.js';
export { TorchCompiler, TORCH_COMPILE_SCRIPT_PATH } from './runtimes/torch/torch-compiler.js';
export type { TorchCompilerOptions, TorchCompiledArtifact } from './runtimes/torch/torch-compiler.js';
export { OrtCompiler } from './runtimes/onnxruntime/ort-compiler.js';
export type { OrtCompilerOptions, GraphOptimizationLevel } from './runtimes/onnxruntime/ort-compiler.js';

// Backends
export type { Backend, BackendLoadRequest, LoadedModel, ModelCopy, InferenceTiming } from './backends/backend.js';
export { OrtBackend } from './runtimes/onnxruntime/ort-backend.js';
export { ortProvidersFor, gpuForCopy, resolveGpuDeviceIds, requireGpus, tensorrtEnv, ORT_CUDA_INSTALL_HINT } from './runtimes/onnxruntime/ort-device.js';
export type { OrtDevice, OrtProviderList } from './runtimes/onnxruntime/ort-device.js';
export type { OrtBackendOptions } from './runtimes/onnxruntime/ort-backend.js';
export { NullBackend } from './runtimes/null/null-backend.js';
export { PythonBackend, neuronPlacementEnv, cudaPlacementEnv } from './runtimes/torch/python-backend.js';
export type { PythonBackendOptions, NeuronRuntime, NeuronPlacement } from './runtimes/torch/python-backend.js';
export { PythonModelCopy, PYTHON_WORKER_PATH } from './runtimes/torch/python-model-copy.js';
export type { PythonModelCopyOptions } from './runtimes/torch/python-model-copy.js';
export { findPython } from './runtimes/torch/find-python.js';
export type { FindPythonOptions, FoundPython } from './runtimes/torch/find-python.js';
export type { PythonDevice, PythonModelFormat, PythonLoadHeader } from './runtimes/torch/python-protocol.js';
export type { NullBackendOptions } from './runtimes/null/null-backend.js';

// Load generation
export type {
  LoadGenerator,
  LoadTarget,
  LoadResult,
  LoadRunHooks,
  RequestRecord,
  ErrorCounts,
  ErrorKindCount,
  MeasurementWindow,
  RunningFigures,
  StopReason,
  FirstInference,
} from './load/load-generator.js';
export { ClosedLoopLoadGenerator, issueClosedLoop } from './load/closed-loop.js';
export { OpenLoopLoadGenerator, issueOpenLoop } from './load/open-loop.js';
export { OfflineLoadGenerator, issueOffline } from './load/offline.js';
export { createLoadGenerator } from './load/create-load-generator.js';
export { measureLoad } from './load/measure-load.js';
export type { QueryDriver, IssueLoop } from './load/measure-load.js';
export {
  resolveLoadSettings,
  loadOptionsOf,
  defaultWarmupQueries,
  DEFAULT_MIN_QUERY_COUNT,
  DEFAULT_MIN_DURATION_MS,
  DEFAULT_EXTENDED_MAX_DURATION_MS,
  MAX_LATE_FRACTION,
} from './options/load-settings.js';
export type { LoadOptions, LoadSettings } from './options/load-settings.js';
export { SCENARIOS, parseScenario } from './options/scenarios.js';
export type { Scenario, ScenarioPreset, LoopKind, ArrivalProcess } from './options/scenarios.js';
export { createArrivalSchedule } from './load/arrival-schedule.js';
export type { ArrivalSchedule, ArrivalScheduleOptions } from './load/arrival-schedule.js';
export { MeasurementWindows } from './load/measurement-windows.js';
export type { WindowSettings } from './load/measurement-windows.js';
export { waitUntil } from './load/wait-until.js';
export { searchServerQps } from './load/server-qps-search.js';
export type { ServerSearch, ServerSearchTrial, ServerSearchOptions, ServerSearchOutcome } from './load/server-qps-search.js';

// Statistics
export { LatencyHistogram, DEFAULT_PERCENTILES } from './stats/latency-histogram.js';
export type { LatencySummary } from './stats/latency-histogram.js';
export { computeThroughput } from './stats/throughput.js';
export type { Throughput } from './stats/throughput.js';
export { binomialCdf, binomialQuantile } from './stats/binomial.js';
export { percentileInterval, percentileConfidenceRanks, estimateCountForPrecision, minimumCountForInterval, withinPrecision, DEFAULT_CONFIDENCE_LEVEL } from './stats/percentile-confidence.js';
export type { PercentileInterval, PercentileConfidenceRanks } from './stats/percentile-confidence.js';
export { earlyStoppingEstimate, earlyStoppingTargetCheck, earlyStoppingMinimumCount } from './stats/early-stopping.js';
export type { EarlyStoppingEstimate, EarlyStoppingTargetCheck } from './stats/early-stopping.js';
export { checkStability, resolveStabilitySettings, DEFAULT_STABILITY_WINDOWS, DEFAULT_STABILITY_MAX_RATIO } from './stats/stability.js';
export type { WindowFigures, StabilityOptions, StabilitySettings, StabilityCheck } from './stats/stability.js';
export { parseThreshold, parseThresholds, evaluateThresholds, formatThresholdValue } from './stats/thresholds.js';
export type { Threshold, ThresholdMetrics, ThresholdOutcome } from './stats/thresholds.js';

// Output checks
export { checkTestDirectory } from './runtimes/onnxruntime/check-test-dir.js';
export type { CheckTestDirectoryOptions, TestDirectoryReport, DataSetReport, CheckStatus } from './runtimes/onnxruntime/check-test-dir.js';
export { compareTensors, compareOutputs, resolveTolerance, DEFAULT_RTOL, DEFAULT_ATOL } from './tensors/compare-outputs.js';
export type { ToleranceOptions, Tolerance, OutputComparison } from './tensors/compare-outputs.js';
export { compareModels } from './runtimes/onnxruntime/compare-models.js';
export type { CompareModelsOptions, ModelComparison } from './runtimes/onnxruntime/compare-models.js';
export { decodeTensor, readTensorFile } from './onnx/tensor-proto.js';
export type { DecodedTensor } from './onnx/tensor-proto.js';

// Pipeline and reports
export { runBenchmark } from './pipeline/run-benchmark.js';
export { BenchmarkRun } from './pipeline/benchmark-run.js';
export type { BenchmarkRunEvents, EmitRunEvent } from './pipeline/benchmark-run.js';
export { summarizeMeasurement } from './results/measurement.js';
export type { Measurement, MeasuredThroughput, OfferedLoad, PrecisionOutcome, ReportedWindow } from './results/measurement.js';
export { judgeMeasurement } from './results/verdict.js';
export type { Verdict, VerdictReason, VerdictReasonCode } from './results/verdict.js';
export { thresholdMetricsOf } from './results/threshold-metrics.js';
export { chooseRuntime } from './pipeline/choose-runtime.js';
export { setUpRun } from './pipeline/set-up-run.js';
export type { RunSetup, RunSetupOptions } from './pipeline/set-up-run.js';
export { compileModel } from './pipeline/compile-model.js';
export { prepareArtifact } from './pipeline/prepare-artifact.js';
export type { PreparedArtifact } from './pipeline/prepare-artifact.js';
export type { CompileModelOptions, CompiledBatchSize } from './pipeline/compile-model.js';
export { formatCompileReport } from './reporters/compile-report.js';
export type { Runtime } from './pipeline/choose-runtime.js';
export { resolveBenchmarkSettings } from './options/benchmark-options.js';
export type { BenchmarkOptions, BenchmarkSettings, BenchmarkSettingsInput, BenchmarkPhase, InputNames } from './options/benchmark-options.js';
export { RESULT_SCHEMA_VERSION } from './results/benchmark-result.js';
export type { BenchmarkResult } from './results/benchmark-result.js';
export { formatResultTable } from './reporters/console-table.js';
export { formatCsvReport, CSV_REPORT_COLUMNS, latencyPercentilesNs } from './reporters/csv-report.js';
export { formatMarkdownReport } from './reporters/markdown-report.js';
export { renderHtmlReport } from './reporters/html-report.js';
export type { HtmlReportOptions } from './reporters/html-report.js';
export { writeReports, parseReportFormats, REPORT_FORMATS } from './reporters/write-reports.js';
export type { WriteReportsOptions, WrittenReport } from './reporters/write-reports.js';
export type { ReportSubject, ReportFormat } from './reporters/report-subject.js';
export { readResultFile, parseResult } from './results/read-result.js';
export { compareResults, minimumComparedCount, MIN_COMPARED_WINDOWS } from './results/compare-results.js';
export type { CompareOptions, NoiseRule, NoiseTest, ResultComparison, ComparedFigure, FigureChange, FigureInterval, SettingWarning, RegressionFailure } from './results/compare-results.js';
export { mergeResults } from './results/merge-results.js';
export type { MergedResult, MergeInfo, MergedSource, MergeOptions } from './results/merge-results.js';
export { settingDifferences, describeSettingDifferences } from './results/setting-differences.js';
export type { SettingDifference, SettingKind } from './results/setting-differences.js';
export { formatCompareReport, formatRegressionFailures } from './reporters/compare-report.js';
export { sweep, SweepRun, SWEEP_CSV_FILE } from './sweep/run-sweep.js';
export type { SweepResult, SweepOutcome, SweepRunEvents } from './sweep/run-sweep.js';
export { resolveSweep } from './sweep/sweep-options.js';
export type { SweepOptions, SweepAxes, SweepPlan, SweepConfiguration } from './sweep/sweep-options.js';
export { sweepGrid, formatAxisValue } from './sweep/sweep-grid.js';
export type { SweepAxis, SweepSettings } from './sweep/sweep-grid.js';
export { readFinishedConfigurations, writeSweepManifest, sweepManifestPath, SWEEP_MANIFEST_FILE, SWEEP_MANIFEST_VERSION } from './sweep/sweep-state.js';
export type { SweepManifest, SweepManifestEntry } from './sweep/sweep-state.js';
export { parseSlo, meetsSlo, chooseBest } from './sweep/choose-best.js';
export { formatSweepLine, formatSweepTable } from './sweep/sweep-report.js';
export { AwaitableEmitter } from './core/awaitable-emitter.js';
export type { EmitEvent, EndEvents } from './core/awaitable-emitter.js';
export { computeEfficiency } from './results/efficiency.js';
export type { Efficiency } from './results/efficiency.js';
export { describeRunEnvironment } from './results/run-environment.js';
export type { RunEnvironment } from './results/run-environment.js';
export { formatCheckReport, checkReportJson } from './reporters/check-report.js';
export { writeResultJson, defaultResultPath } from './reporters/json-file.js';
export { collectEnvironment, INFERBENCH_VERSION } from './hardware/environment.js';
export { detectHardware, detectOrtProviders, defaultOrtBinaryDir, readInstanceType, DEFAULT_DMI_ROOT } from './hardware/detect-hardware.js';
export type { HardwareInfo, DetectHardwareOptions, OrtProvider } from './hardware/detect-hardware.js';
export { detectNvidiaGpus, parseNvidiaSmiCsv } from './hardware/nvidia-smi.js';
export type { NvidiaGpu } from './hardware/nvidia-smi.js';
export { detectNeuron, parseNeuronLsJson, DEFAULT_NEURON_SYSFS_ROOT, DEFAULT_DEV_ROOT } from './hardware/neuron.js';
export type { NeuronDevice, NeuronInfo, NeuronSource, NeuronDetectOptions, NeuronLsListing } from './hardware/neuron.js';
export { detectPython, pythonCandidates, DEFAULT_PYTHON_CANDIDATES, DEFAULT_PYTHON_TIMEOUT_MS } from './hardware/python-env.js';
export type { DetectPythonOptions } from './hardware/python-env.js';
export type { PythonInfo } from './hardware/python-env.js';
export { runTool, DEFAULT_TOOL_TIMEOUT_MS } from './hardware/run-tool.js';
export type { RunToolOptions } from './hardware/run-tool.js';
export { formatHardwareReport } from './reporters/hardware-report.js';
export type { Environment } from './hardware/environment.js';
export { monotonicNowNs } from './core/clock.js';
