/** x86-64 paging: address geometry, PTE encoding, the per-mm radix tree and mermap setup cost. */
export * from './geometry.js';
export * from './pte.js';
export * from './page-table.js';
export * from './cost.js';
