/**
 * mermap-lab's library entry point (what notebooks `require()` from dist/index.js).
 *
 * It never imports vega or vega-lite (their module graph has a top-level await, which
 * require() cannot load): rendering goes through the async helpers of ./notebook/, which load
 * src/render lazily with import().
 */
export * from './core/index.js';
export * from './config/index.js';
export * from './workloads/index.js';
export { drive, setUpTopology, type DriveHooks, type DriveOptions, type DriveStats } from './run/drive.js';
export * from './analysis/index.js';
export * from './run/run.js';
export {
  DEFAULT_TARGETS,
  type Estimate,
  type RecommendationFile,
  type RegionVerdict,
  recommendationFile,
  recommendWithIntervals,
  type Targets,
  type Verdict,
  type WorkloadScenarios,
} from './analysis/recommend-verdict.js';
export { formatEstimate, formatVerdictTable } from './analysis/recommend-format.js';
export { intervalsChart, sensitivityChart, sensitivityTable } from './analysis/recommend-sensitivity.js';
export { CONFIDENCE, type Interval, interval } from './analysis/stats.js';
export * from './analysis/reports.js';
export { runPoint } from './run/point.js';
export { widenV8Inlining } from './util/v8-inlining.js';
export * from './notebook/index.js';
