/**
 * The kernel's vmap sizing rules (mm/vmalloc.c, kernel-analogues §1a) that the vmap-block policy
 * (./vmap-block-queue.ts) sizes its blocks and its lazy-purge threshold by.
 */

/** VMALLOC_SPACE as vmalloc.c guesses it on 64-bit (128 GiB), in pages */
const VMALLOC_PAGES = 2 ** 25;
/** lazy_max_pages() unit: 32 MiB in pages */
const LAZY_UNIT_PAGES = 8192;

/** Smallest power of two >= n (n >= 1): get_order() in pages. */
export function pow2Ceil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** fls(): the 1-based position of the highest set bit, 0 for 0. */
export function fls(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/**
 * VMAP_BBMAP_BITS: min(1024, max(2 * VMAP_MAX_ALLOC, VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16)),
 * "room for at least 16 percpu vmap blocks per CPU" (kernel-analogues §1a). 64 CPUs: 1024 pages,
 * 4096: 512, 8192: 256.
 */
export function vmapBbmapBits(nrCpus: number): number {
  return Math.min(1024, Math.max(2 * 64, VMALLOC_PAGES / pow2Ceil(Math.max(1, nrCpus)) / 16));
}

/** lazy_max_pages() = fls(num_online_cpus()) * (32 MiB / PAGE_SIZE): 1 CPU 8192 pages, 4 CPUs 24576. */
export function lazyMaxPages(onlineCpus: number): number {
  return fls(Math.max(1, onlineCpus)) * LAZY_UNIT_PAGES;
}

/**
 * Default block size: VMAP_BBMAP_BITS, halved until at least 4 blocks fit in one CPU's region
 * (the kernel sizes blocks against all of vmalloc space; here they must fit in the mermap
 * region). 512-page regions: 4 blocks of 128 pages, the kernel's smallest block.
 */
export function defaultVmapBlockPages(nrCpus: number, regionPages: number): number {
  let b = vmapBbmapBits(nrCpus);
  while (b > 1 && b * 4 > regionPages) b /= 2;
  return b;
}
