/** Streaming collectors: one per metric family, composed by RunMetrics. */
export * from './run-metrics.js';
export * from './summary.js';
export { MachineBaseline } from './baseline.js';
export * from './histogram.js';
export * from './wasted-va.js';
export * from './time-series.js';
export * from './region-timeline.js';
export * from './page-tables.js';
export * from './tlb-counters.js';
export * from './slow-path.js';
export * from './run-cost.js';
