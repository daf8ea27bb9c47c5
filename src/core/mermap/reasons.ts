/**
 * Why a get (or put) did not happen. A failed get returns -reason, so every reason is > 0.
 * The names are the replay contract's `reason` strings.
 */
export const R_TOO_LARGE = 1; // size > MERMAP_CPU_REGION_SIZE (checked before page-alignment)
export const R_NOT_PREPARED = 2; // !mm || !mm->mermap.cpu
export const R_GLOBAL_PROT = 3; // !arch_mermap_pgprot_allowed(prot): _PAGE_GLOBAL (rfc-v1, rfc-later)
export const R_BAD_RESERVED_SIZE = 4; // use_reserve && size != PAGE_SIZE
export const R_NOT_IN_TASK = 5; // !in_task()
export const R_NO_SPACE = 6; // size > cpu_end - new_next: no room even after a flush
export const R_NO_SLOT = 7; // every struct mermap_alloc is in use
export const R_RESERVE_BUSY = 8; // rfc-later: the reserve slot is in use (any caller)
export const R_PTE_WRITE = 9; // apply_to_existing_page_range() failed (fault injection)
export const R_NOT_IN_USE = 10; // put of a slot that is not in use (WARN_ON_ONCE and return)
// alternative policies (src/core/policies)
export const R_STACK_FULL = 11; // kmap-local: push past KM_MAX_IDX
export const R_NOT_LIFO = 12; // kmap-local: unmap out of LIFO order
export const R_NO_BLOCK = 13; // vmap-block: no block with room and no free block

export const REASON_COUNT = 14;

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
