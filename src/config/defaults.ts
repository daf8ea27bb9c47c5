/**
 * The run config's model defaults that are not kernel constants (those are in src/core/defaults.ts):
 * workload assumptions, each with where it comes from.
 */
import { MAX_ORDER, ZERO_CYCLES_PER_PAGE } from '../core/defaults.js';

/** Orders 0..MAX_ORDER: one weight each. */
export const ORDER_COUNT = MAX_ORDER + 1;

/**
 * First pfn the generators hand out (src/workloads/sched/phys.ts, the microbench's buffers, an op
 * script's pages): 4 GiB. ASSUMPTION: keeps the ranges clear of low memory; any value works.
 */
export const PHYS_BASE_PFN = 0x100000;

/**
 * Default order weights for `unmapped-alloc` (orders 0..10, normalised when sampled).
 * ASSUMPTION: no measured order mix for __GFP_UNMAPPED allocations exists (facts §9.1, §10). The
 * table puts ~80 % of allocations at order 0 and decays roughly geometrically, with a tail at
 * orders 9 and 10, the sizes that can never take the fast path with R = 512 (facts §6.1).
 * Mean pages per allocation: about 8.4.
 */
export const DEFAULT_ORDER_WEIGHTS: readonly number[] = Object.freeze([
  0.806, 0.06, 0.04, 0.03, 0.02, 0.015, 0.01, 0.008, 0.006, 0.004, 0.001,
]);

/**
 * Mean rate of unmapped zeroing allocations per online CPU, Hz (`unmapped-alloc`).
 * ASSUMPTION: no measured rate of __GFP_UNMAPPED allocations exists (facts §9.1, §10); the sweep
 * presets' workload scenarios halve and double it (sweep/presets.ts).
 */
export const DEFAULT_RATE_PER_CPU_HZ = 20_000;

/**
 * Cycles to zero one 4 KiB page: the cited figure (897, derived from facts §9.5; the derivation is
 * at ZERO_CYCLES_PER_PAGE in src/core/defaults.ts). A parameter: calibrate it for a machine.
 */
export const DEFAULT_ZERO_CYCLES_PER_PAGE = ZERO_CYCLES_PER_PAGE;
/** ASSUMPTION: core clock used to turn cycles into time. */
export const DEFAULT_CPU_GHZ = 3;
/**
 * Time slice: the EEVDF base slice, sysctl_sched_base_slice = 0.75 ms (kernel/sched/fair.c,
 * Linux 6.6+; before scaling by the number of CPUs).
 */
export const DEFAULT_TIME_SLICE_US = 750;

/** lazy_max_pages() = fls(num_online_cpus()) * (32 MiB / PAGE_SIZE) (kernel-analogues §1a). */
export { lazyMaxPages as defaultVmapLazyPages } from '../core/policies/vmap-sizes.js';
