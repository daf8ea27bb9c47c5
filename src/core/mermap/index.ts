export * from './allocator.js';
export * from './reasons.js';
export { MermapCpuState } from './mermap-cpu.js';
export { RfcV1Mermap } from './rfc-v1.js';
export { RfcLaterMermap } from './rfc-later.js';
export { DevSnapshotMermap } from './dev-snapshot.js';
export { AllocatorBase } from './allocator-base.js';
