/** Per-CPU TLB model (x86: L1 dTLB + STLB, PCID, global bit) and its geometry presets. */
export * from './config.js';
export * from './tlb.js';
