/**
 * inferbench/load: issuing queries to model copies by scenario, and when to stop.
 *
 * @module inferbench/load
 */
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
} from '../load/load-generator.js';
export { createLoadGenerator } from '../load/create-load-generator.js';
export { ClosedLoopLoadGenerator } from '../load/closed-loop.js';
export { OpenLoopLoadGenerator } from '../load/open-loop.js';
export { OfflineLoadGenerator } from '../load/offline.js';
export { resolveLoadSettings } from '../options/load-settings.js';
export type { LoadOptions, LoadSettings } from '../options/load-settings.js';
export type { Scenario, ArrivalProcess } from '../options/scenarios.js';
export { createArrivalSchedule } from '../load/arrival-schedule.js';
export type { ArrivalSchedule, ArrivalScheduleOptions } from '../load/arrival-schedule.js';
