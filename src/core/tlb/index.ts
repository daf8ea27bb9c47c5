/** Per-CPU TLB model (x86: L1 dTLB + STLB with 4 KiB / 2 MiB / 1 GiB entries, PCID, global bit) and its geometry presets. */
export * from './config.js';
export * from './tlb.js';
