/**
 * src/core/policies: what the kernel already has (or had), behind the mermap's own
 * MermapAllocator interface, so every workload, metric and chart runs on them unchanged.
 *
 *   flush-on-put     the ephmap, the mermap's predecessor: INVLPG (or a full flush) at every put
 *   kmap-local       kmap_local_page(): a per-CPU LIFO stack of one-page slots, one INVLPG per unmap
 *   vmap-block       vm_map_ram()'s per-CPU vmap blocks: lazy purge, one flush on ALL CPUs by IPI
 *   mermap-reuse     rfc-later that also reuses the space below the lowest live allocation
 *   mermap-invpcid   rfc-later flushing only its own PCID (INVPCID type 1) at a wrap
 *
 * Counters, the same meaning in every policy and mermap version:
 *   flushes[cpu]   flush operations asked for on cpu that are not single-page INVLPGs: full
 *                  flushes, context (PCID) flushes, and vmap-block's purges
 *   invlpgs[cpu]   INVLPGs executed on cpu at the allocator's request
 * The TLBs count every flush by kind (Tlb.flushes, Tlb.discarded); the cost model reads those.
 *
 * Each file's header says which kernel code it models and what it leaves out. They register in
 * src/core/allocators.ts.
 */
export { FlushOnPut } from './flush-on-put.js';
export { KmapLocal } from './kmap-local.js';
export { VmapBlock } from './vmap-block.js';
export { defaultVmapBlockPages, fls, lazyMaxPages, vmapBbmapBits } from './vmap-sizes.js';
export { MermapReuse } from './mermap-reuse.js';
export { MermapInvpcid } from './mermap-invpcid.js';

/** The alternative policies' names, from the allocator registry. */
export { POLICY_NAMES, type PolicyName } from '../allocators.js';
