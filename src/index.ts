/**
 * inferbench: the benchmark as one call, sweeps, and what is done with results. Each module has its
 * own entry point: inferbench/models, /compilers, /backends, /load, /stats, /results and /reports.
 *
 * @module inferbench
 */

export { InferbenchError, isInferbenchError } from './core/errors.js';
export type { InferbenchErrorCode } from './core/errors.js';

// One benchmark
export { runBenchmark } from './pipeline/run-benchmark.js';
export type { BenchmarkOptions } from './pipeline/run-benchmark-options.js';
export { BenchmarkRun } from './pipeline/benchmark-run.js';
export type { BenchmarkRunEvents } from './pipeline/benchmark-run.js';
export type { EmitEvent } from './core/awaitable-emitter.js';
export type { HubDownloadProgress } from './models/hub/hub-blob-download.js';
export type { ServerSearch, ServerSearchTrial } from './load/server-qps-search.js';
export { resolveBenchmarkSettings } from './options/benchmark-options.js';
export type { BenchmarkSettings, BenchmarkSettingsInput, BenchmarkPhase, InputNames } from './options/benchmark-options.js';
export type { Scenario } from './options/scenarios.js';
export type { ScenarioName } from './options/scenarios.js';
export { DEFAULT_MODEL } from './models/resolve-model-source.js';
export { compileModel } from './pipeline/compile-model.js';
export type { CompileModelOptions, CompiledBatchSize } from './pipeline/compile-model.js';
export { checkTestDirectory } from './runtimes/onnxruntime/check-test-dir.js';
export type { CheckTestDirectoryOptions, TestDirectoryReport, DataSetReport, CheckStatus } from './runtimes/onnxruntime/check-test-dir.js';
export type { OutputComparison, Tolerance, ToleranceOptions } from './tensors/compare-outputs.js';
export { detectHardware } from './hardware/detect-hardware.js';
export type { HardwareInfo, DetectHardwareOptions } from './hardware/detect-hardware.js';
export type { OrtProvider } from './hardware/detect-hardware.js';
export type { NvidiaGpu } from './hardware/nvidia-smi.js';
export type { NeuronInfo, NeuronDevice, NeuronSource } from './hardware/neuron.js';
export type { PythonInfo } from './hardware/python-env.js';

// Sweeps
export { sweep, SweepRun } from './sweep/run-sweep.js';
export type { SweepResult, SweepOutcome, SweepRunEvents } from './sweep/run-sweep.js';
export type { SweepOptions, SweepAxes, SweepPlan, SweepConfiguration } from './sweep/sweep-options.js';
export type { SweepAxis, SweepSettings } from './sweep/sweep-grid.js';
export { planFleet } from './fleet/fleet-plan.js';
export type { FleetPlan, FleetPlanOptions, FleetConfiguration } from './fleet/fleet-plan.js';
export type { FleetTarget, AwsBatchPlacement, KubernetesPlacement, SlurmPlacement } from './fleet/fleet-target.js';
export { runFleetShard } from './fleet/run-shard.js';
export type { FleetShardOptions, FleetShardResult } from './fleet/run-shard.js';
export type { Shard } from './fleet/shard.js';
export { collectFleet } from './fleet/collect.js';
export type { CollectOptions, CollectedConfiguration, FleetCollection, MissingConfiguration } from './fleet/collect.js';
export type { FleetResultObject } from './fleet/fleet-result.js';
export { openResultStore } from './fleet/open-result-store.js';
export type { ResultStore } from './fleet/result-store.js';

// Results
export { RESULT_SCHEMA_VERSION } from './results/benchmark-result.js';
export type { BenchmarkResult } from './results/benchmark-result.js';
export { readResultFile, parseResult } from './results/read-result.js';
export { compareResults } from './results/compare-results.js';
export type { CompareOptions, ResultComparison } from './results/compare-results.js';
export { mergeResults } from './results/merge-results.js';
export type { MergedResult, MergeOptions } from './results/merge-results.js';

// Reports
export { formatResultTable } from './reporters/console-table.js';
export { formatCsvReport } from './reporters/csv-report.js';
export { formatMarkdownReport } from './reporters/markdown-report.js';
export { renderHtmlReport } from './reporters/html-report.js';
export { formatCompareReport } from './reporters/compare-report.js';
export { writeReports } from './reporters/write-reports.js';
export type { WriteReportsOptions, WrittenReport } from './reporters/write-reports.js';
export type { ReportSubject, ReportFormat } from './reporters/report-subject.js';
export { writeResultJson } from './reporters/json-file.js';
