/**
 * x86-64 page-table entries as plain numbers (no allocation per PTE).
 *
 *   pte = pfn * 16 + flags          flags in the low 4 bits, pfn above them
 *   pte === 0                       pte_none(): nothing there at all
 *
 * The mermap of rfc-v1 and the dev snapshots never leaves its PTEs none: mermap_mm_prepare()
 * writes a "sentinel" (pfn 0, PAGE_NONE | NX: not present, but not none) into every PTE of every
 * possible CPU's region, because mermap_get() writes through apply_to_existing_page_range(),
 * which skips pte_none() entries. rfc-later writes plain zero PTEs instead.
 *
 * Every pfn is below PFN_LIMIT (4 PiB of physical memory), so the value is an exact integer
 * below 2^53.
 */

/**
 * Every x86-64 pfn is below 2^40: physical addresses have at most 52 bits (MAXPHYADDR; the
 * architectural limit, CPUID leaf 0x80000008). A trace line with a pfn at or above it cannot
 * come from a real machine.
 */
export const PFN_LIMIT = 2 ** 40;

/**
 * The flag bits in a pte's low bits, the pfn's multiplier, and the protections the page
 * allocator passes to the mermap, read on every walk, fill and PTE write: a const enum
 * (docs/design.md, Habits). PTE_PRESENT and the other names below are their public names.
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum Pte {
  PRESENT = 1,
  /** _PAGE_GLOBAL: the translation survives CR3 writes (only INVLPG, INVPCID type 2 or CR4.PGE drop it). */
  GLOBAL = 2,
  /** _PAGE_NX */
  NX = 4,
  /** _PAGE_PROTNONE: the "PAGE_NONE" protection the sentinel uses (not present for the MMU). */
  PROTNONE = 8,
  /** the flag bits' width */
  // biome-ignore lint/suspicious/noDuplicateEnumValues: a width, not a bit; equal to NX by chance
  FLAG_BITS = 4,
  /** pte = pfn * SPAN + flags */
  SPAN = 1 << FLAG_BITS,
  /** PAGE_KERNEL_NOGLOBAL: what the page allocator's fast path passes to mermap_get(). */
  KERNEL_NOGLOBAL = PRESENT | NX,
  /** PAGE_KERNEL with the global bit (what rfc-v1's slow path passes to mermap_get_reserved(): §8.8). */
  KERNEL_GLOBAL = PRESENT | NX | GLOBAL,
}

export const PTE_PRESENT = Pte.PRESENT;
export const PTE_GLOBAL = Pte.GLOBAL;
export const PTE_NX = Pte.NX;
export const PTE_PROTNONE = Pte.PROTNONE;
export const PTE_FLAG_BITS = Pte.FLAG_BITS;

export const PTE_NONE = 0;
/** rfc-v1 / dev-snapshot "unmapped" sentinel: pfn 0, PAGE_NONE with NX. */
export const PTE_SENTINEL = Pte.PROTNONE | Pte.NX;

// (each helper computes its bits itself rather than calling pteFlags(): a call of an imported
// function is a cell load and a check too, where V8 inlines it)
export function mkPte(pfn: number, flags: number): number {
  return pfn * Pte.SPAN + flags;
}
export function ptePfn(pte: number): number {
  return Math.floor(pte / Pte.SPAN);
}
/**
 * The low 4 bits. A pte above 2^31 is a double, and `%` on a double is a libm fmod call on
 * every PTE test. ToInt32 (`| 0`) is the pte modulo 2^32, exact for an integer below 2^53 (V8
 * takes it with one 64-bit truncation), and its low 4 bits are the pte's.
 */
export function pteFlags(pte: number): number {
  return (pte | 0) & (Pte.SPAN - 1);
}
export function pteNone(pte: number): boolean {
  return pte === PTE_NONE;
}
export function ptePresent(pte: number): boolean {
  return ((pte | 0) & Pte.PRESENT) !== 0;
}
export function pteGlobal(pte: number): boolean {
  return ((pte | 0) & Pte.GLOBAL) !== 0;
}

export const PROT_KERNEL_NOGLOBAL = Pte.KERNEL_NOGLOBAL;
export const PROT_KERNEL_GLOBAL = Pte.KERNEL_GLOBAL;
