/** src/core: the simulator. No I/O, nothing from Node or vega: runs in tests, workers and notebooks. */
export * from './defaults.js';
export * from './paging/index.js';
export * from './tlb/index.js';
export * from './mermap/index.js';
export * from './allocators.js';
export * from './policies/index.js';
export * from './checker.js';
export { MmStamps, mapOwnStamp, unmapOwnStamp } from './checker-stamps.js';
export * from './violations.js';
export * from './checker-report.js';
export * from './machine.js';
export * from './region-text.js';
export * from './replay.js';
