/**
 * inferbench/results: a run's result file, read, judged, compared and merged.
 *
 * @module inferbench/results
 */
export { RESULT_SCHEMA_VERSION } from '../results/benchmark-result.js';
export type { BenchmarkResult } from '../results/benchmark-result.js';
export type { Measurement, MeasuredThroughput, OfferedLoad, PrecisionOutcome, ReportedWindow } from '../results/measurement.js';
export { summarizeMeasurement } from '../results/measurement.js';
export { judgeMeasurement } from '../results/verdict.js';
export type { Verdict, VerdictReason, VerdictReasonCode } from '../results/verdict.js';
export type { Efficiency } from '../results/efficiency.js';
export type { RunEnvironment } from '../results/run-environment.js';
export type { Environment } from '../hardware/environment.js';
export { readResultFile, parseResult } from '../results/read-result.js';
export { compareResults } from '../results/compare-results.js';
export type { CompareOptions, NoiseRule, NoiseTest, ResultComparison, ComparedFigure, FigureChange, FigureInterval, SettingWarning, RegressionFailure } from '../results/compare-results.js';
export { mergeResults } from '../results/merge-results.js';
export type { MergedResult, MergeInfo, MergedSource, MergeOptions } from '../results/merge-results.js';
export { settingDifferences } from '../results/setting-differences.js';
export type { SettingDifference } from '../results/setting-differences.js';
export type { ComparedAs } from '../options/option-kinds.js';
export type { ServerSearch, ServerSearchTrial } from '../load/server-qps-search.js';
