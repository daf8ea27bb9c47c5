/**
 * The run config's model defaults that are not kernel constants (those are in src/core/defaults.ts):
 * workload assumptions, each with where it comes from.
 */
import { MAX_ORDER } from '../core/defaults.js';

/** Orders 0..MAX_ORDER: one weight each. */
export const ORDER_COUNT = MAX_ORDER + 1;

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
 * ASSUMPTION: cycles to zero one 4 KiB page that is not in cache. No figure in the sources
 * (facts §9.2 lists none); taken as ~10 GB/s single-core store bandwidth, i.e. ~400 ns per page,
 * ~1200 cycles at 3 GHz. A parameter: calibrate it.
 */
export const DEFAULT_ZERO_CYCLES_PER_PAGE = 1200;
/** ASSUMPTION: core clock used to turn cycles into time. */
export const DEFAULT_CPU_GHZ = 3;
/**
 * Time slice: the EEVDF base slice, sysctl_sched_base_slice = 0.75 ms (kernel/sched/fair.c,
 * Linux 6.6+; before scaling by the number of CPUs).
 */
export const DEFAULT_TIME_SLICE_US = 750;

/** lazy_max_pages() = fls(num_online_cpus()) * (32 MiB / PAGE_SIZE) (kernel-analogues §1a). */
export { lazyMaxPages as defaultVmapLazyPages } from '../core/policies/vmap-block.js';
