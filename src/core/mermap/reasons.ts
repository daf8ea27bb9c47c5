/**
 * Why a get (or put) did not happen. A failed get returns -reason, so every reason is > 0.
 * The names are the replay contract's `reason` strings.
 *
 * A const enum (docs/design.md, Habits): a failed get returns `-Reason.NO_SLOT`, which tsc
 * writes as the literal -7. As an imported const, `-R_NO_SLOT` was a unary minus V8 had never
 * seen run before the first failure, and that first failure deoptimized Machine.mermapGet(),
 * the allocator's get() and the slow path (issue 19). R_NO_SLOT and the other names below are
 * the public names.
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum Reason {
  /** size > MERMAP_CPU_REGION_SIZE (checked before page-alignment) */
  TOO_LARGE = 1,
  /** !mm || !mm->mermap.cpu */
  NOT_PREPARED = 2,
  /** !arch_mermap_pgprot_allowed(prot): _PAGE_GLOBAL (rfc-v1, rfc-later) */
  GLOBAL_PROT = 3,
  /** use_reserve && size != PAGE_SIZE */
  BAD_RESERVED_SIZE = 4,
  /** !in_task() */
  NOT_IN_TASK = 5,
  /** size > cpu_end - new_next: no room even after a flush */
  NO_SPACE = 6,
  /** every struct mermap_alloc is in use */
  NO_SLOT = 7,
  /** rfc-later: the reserve slot is in use (any caller) */
  RESERVE_BUSY = 8,
  /** apply_to_existing_page_range() failed (fault injection) */
  PTE_WRITE = 9,
  /** put of a slot that is not in use (WARN_ON_ONCE and return) */
  NOT_IN_USE = 10,
  // alternative policies (src/core/policies)
  /** kmap-local: push past KM_MAX_IDX */
  STACK_FULL = 11,
  /** kmap-local: unmap out of LIFO order */
  NOT_LIFO = 12,
  /** vmap-block: no block with room and no free block */
  NO_BLOCK = 13,
  /** the number of reasons, 0 (ok) included */
  COUNT = 14,
}
export const R_TOO_LARGE = Reason.TOO_LARGE;
export const R_NOT_PREPARED = Reason.NOT_PREPARED;
export const R_GLOBAL_PROT = Reason.GLOBAL_PROT;
export const R_BAD_RESERVED_SIZE = Reason.BAD_RESERVED_SIZE;
export const R_NOT_IN_TASK = Reason.NOT_IN_TASK;
export const R_NO_SPACE = Reason.NO_SPACE;
export const R_NO_SLOT = Reason.NO_SLOT;
export const R_RESERVE_BUSY = Reason.RESERVE_BUSY;
export const R_PTE_WRITE = Reason.PTE_WRITE;
export const R_NOT_IN_USE = Reason.NOT_IN_USE;
export const R_STACK_FULL = Reason.STACK_FULL;
export const R_NOT_LIFO = Reason.NOT_LIFO;
export const R_NO_BLOCK = Reason.NO_BLOCK;
export const REASON_COUNT = Reason.COUNT;

export const REASON_NAMES: readonly string[] = [
  'ok',
  'too_large',
  'not_prepared',
  'global_prot',
  'bad_reserved_size',
  'not_in_task',
  'no_space',
  'no_slot',
  'reserve_busy',
  'pte_write_failed',
  'not_in_use',
  'stack_full',
  'not_lifo',
  'no_block',
];

export function reasonName(code: number): string {
  const r = code < 0 ? -code : code;
  return REASON_NAMES[r] ?? `reason_${r}`;
}
