/**
 * What the checker (./checker.ts) reports: the kinds of unsafe state, each an index into
 * VIOLATION_KINDS, and a report's fields.
 *
 *   reuse_without_flush    a page of the mermap is mapped while some CPU may still cache an older
 *                          translation of it: its PTE was present at some time since that CPU's
 *                          last full flush (facts §5.1)
 *   out_of_region          an allocation reaches outside the CPU's own region
 *   stale_tlb_after_free   a physical page that was mapped through the mermap goes back to the
 *                          page allocator while some TLB still holds a translation to it
 *   migrate_disable_leak   a task's migrate-disable depth is left raised with no allocation
 *                          to show for it (the missing migrate_enable(), §8.3)
 *   lock_in_atomic         the PTE lock is taken with preemption or IRQs off: a bug only on
 *                          PREEMPT_RT (§8.2), so reported only when the machine is one, and once
 *                          per call site (lockSiteEvents counts the events behind each)
 *   stale_tlb_hit          an access hit a cached translation whose PTE has changed since it was
 *                          cached (the TLB model's TlbFlag.STALE): what a run did, where
 *                          reuse_without_flush is what the kernel allows
 */
export const V_REUSE_WITHOUT_FLUSH = 0;
export const V_OUT_OF_REGION = 1;
export const V_STALE_TLB_AFTER_FREE = 2;
export const V_MIGRATE_DISABLE_LEAK = 3;
export const V_LOCK_IN_ATOMIC = 4;
export const V_STALE_TLB_HIT = 5;
export const VIOLATION_KINDS = [
  'reuse_without_flush',
  'out_of_region',
  'stale_tlb_after_free',
  'migrate_disable_leak',
  'lock_in_atomic',
  'stale_tlb_hit',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** One line per kind for the run summary: what it means in the kernel. */
export const VIOLATION_EXPLANATIONS: Record<ViolationKind, string> = {
  reuse_without_flush:
    'a page was mapped again while a CPU that had it present since its last full flush may still cache the old translation (facts §5.1)',
  out_of_region: "an allocation reached outside its CPU's region (facts §8.6)",
  stale_tlb_after_free:
    "pages went back to the page allocator while a TLB still translated to them through the mermap: RFC v1's page-allocator caller (clear_page_mermap) frees them without the full TLB flush mermap_get's comment requires (facts §3, §6.1)",
  migrate_disable_leak:
    'a failed PTE write in __mermap_get left migration disabled and the PTEs written before it present with no owner (facts §8.3)',
  lock_in_atomic:
    'the PTE spinlock, a sleeping lock on PREEMPT_RT, was taken with preemption or IRQs off (facts §8.2); counted once per call site',
  stale_tlb_hit: 'an access hit a cached mermap translation whose PTE had been cleared since it was cached',
};

/** lock_in_atomic call sites: index = (put ? 2 : 0) + (reserved ? 1 : 0). */
export const LOCK_SITES = ['get', 'reserved get', 'put', 'reserved put'] as const;
export function lockSite(put: boolean, reserved: boolean): number {
  return (put === true ? 2 : 0) + (reserved === true ? 1 : 0);
}

export interface Violation {
  kind: ViolationKind;
  /** op index (the machine's clock.op) */
  op: number;
  cpu: number;
  mm: number;
  task: number;
  /** page number involved (reuse, out_of_region, stale_tlb_hit), or -1 */
  vpn: number;
  /** physical page involved (stale_tlb_after_free, stale_tlb_hit), or -1 */
  pfn: number;
  detail: string;
}
