/**
 * x86-64 virtual-address geometry and where the mermap sits in it (facts sheet §4, §9.3).
 *
 * Everything is in page numbers (vpn = address >> 12): kernel addresses such as
 * 0xffff880000200000 need 64 bits, but their page numbers fit in 52, so plain numbers hold them
 * exactly.
 *
 *   4-level: PGD(PML4) 39 | PUD 30 | PMD 21 | PTE 12 | offset       48-bit VA
 *   5-level: PGD 48 | P4D 39 | PUD 30 | PMD 21 | PTE 12 | offset    57-bit VA
 *
 * The mm-local region is one top-level slot, MM_LOCAL_PGD_ENTRY = -240 = slot 272 (0x110):
 *
 *   mm-local start          +2 MiB = MERMAP_BASE_ADDR (= LDT_END_ADDR)
 *   |  LDT remap (PMD_SIZE)  | cpu 0: R pages | cpu 1: R pages | ... | cpu NR-1 | (unused) ... |
 *
 * 4-level: 0xffff880000000000 .. 0xffff888000000000 (512 GiB), mermap base 0xffff880000200000.
 * 5-level: 0xff10000000000000 .. 0xff11000000000000 (256 TiB), mermap base 0xff10000000200000.
 */
import { LDT_REMAP_PAGES, Table } from '../defaults.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const INDEX_BITS = Table.SHIFT;
export const TABLE_BYTES = PAGE_SIZE;

export type PagingLevels = 4 | 5;

/**
 * The x86-64 page sizes (facts §9.3): a PTE leaf (4 KiB), a PMD leaf (2 MiB, PMD_SIZE) and a
 * PUD leaf (1 GiB, PUD_SIZE).
 */
export const PAGE_SIZE_NAMES = ['4k', '2m', '1g'] as const;
export type PageSizeName = (typeof PAGE_SIZE_NAMES)[number];
/** log2 of the 4 KiB pages one page of each size covers: 0, 9 and 18 (index = PAGE_SIZE_NAMES index) */
export const PAGE_SIZE_ORDER: readonly number[] = [0, Table.SHIFT, 2 * Table.SHIFT];

/**
 * The direct map (page_offset_base without KASLR, Documentation/arch/x86/x86_64/mm.rst):
 * 0xffff888000000000, 64 TiB (4-level) and 0xff11000000000000, 32 PiB (5-level), in pages.
 * Page numbers are ~2^52: plain arithmetic only, no bitwise operators.
 */
export const DIRECT_MAP_BASE_VPN_4 = 0xffff888000000;
export const DIRECT_MAP_BASE_VPN_5 = 0xff11000000000;

export function directMapBaseVpn(levels: PagingLevels): number {
  return levels === 5 ? DIRECT_MAP_BASE_VPN_5 : DIRECT_MAP_BASE_VPN_4;
}
/** pages the direct map spans: 2^34 (64 TiB) or 2^43 (32 PiB) */
export function directMapPages(levels: PagingLevels): number {
  return levels === 5 ? 2 ** 43 : 2 ** 34;
}

/** 2^64 / PAGE_SIZE: the kernel's unsigned 64-bit arithmetic, expressed in pages. */
export const U64_PAGES = 2 ** 52;

/** Unsigned 64-bit subtraction a - b on page numbers (wraps like the kernel's unsigned long). */
export function u64SubPages(a: number, b: number): number {
  return a >= b ? a - b : U64_PAGES - (b - a);
}
/** Unsigned 64-bit addition on page numbers. */
export function u64AddPages(a: number, b: number): number {
  const s = a + b;
  return s >= U64_PAGES ? s - U64_PAGES : s;
}

export const MM_LOCAL_PGD_SLOT = Table.PTRS - 240; // MM_LOCAL_PGD_ENTRY = -240

/** Page-number shift of one top-level (PGD) entry: 39-12 = 27 (4-level) or 48-12 = 36 (5-level). */
export function pgdShiftPages(levels: PagingLevels): number {
  return levels === 5 ? 36 : 27;
}

/** Sign-extended canonical page number of a top-level slot's start. */
export function pgdSlotStartVpn(levels: PagingLevels, slot: number): number {
  const vaBits = levels === 5 ? 57 : 48;
  const raw = slot * 2 ** pgdShiftPages(levels);
  // upper half: sign-extend bits [vaBits, 64) to ones
  const half = 2 ** (vaBits - 1 - PAGE_SHIFT);
  return raw >= half ? raw + (U64_PAGES - 2 ** (vaBits - PAGE_SHIFT)) : raw;
}

export interface MermapGeometry {
  readonly levels: PagingLevels;
  /** R, in pages (MERMAP_CPU_REGION_SIZE / PAGE_SIZE). */
  readonly regionPages: number;
  /** NR_CPUS for layout purposes: the possible CPUs (the kernel sizes by compile-time NR_CPUS). */
  readonly possibleCpus: number;
  readonly mmLocalStartVpn: number;
  readonly mmLocalEndVpn: number;
  /** MERMAP_BASE_ADDR >> PAGE_SHIFT */
  readonly baseVpn: number;
  /** MERMAP_END_ADDR >> PAGE_SHIFT (exclusive): base + possible * R */
  readonly endVpn: number;
}

export function mermapGeometry(levels: PagingLevels, regionPages: number, possibleCpus: number): MermapGeometry {
  const mmLocalStartVpn = pgdSlotStartVpn(levels, MM_LOCAL_PGD_SLOT);
  const mmLocalEndVpn = mmLocalStartVpn + 2 ** pgdShiftPages(levels);
  const baseVpn = mmLocalStartVpn + LDT_REMAP_PAGES;
  const endVpn = baseVpn + possibleCpus * regionPages;
  if (endVpn > mmLocalEndVpn) {
    throw new RangeError(`mermap of ${possibleCpus} CPUs x ${regionPages} pages does not fit in the mm-local PGD slot`);
  }
  return { levels, regionPages, possibleCpus, mmLocalStartVpn, mmLocalEndVpn, baseVpn, endVpn };
}

/** mermap_cpu_base(cpu) >> PAGE_SHIFT */
export function cpuBaseVpn(g: MermapGeometry, cpu: number): number {
  return g.baseVpn + cpu * g.regionPages;
}

/** Format a page number as the kernel would print the address (0xffff880000200000). */
export function vpnToHex(vpn: number): string {
  const hi = Math.floor(vpn / 2 ** 20); // top 32 bits of the address
  const lo = (vpn % 2 ** 20) * PAGE_SIZE; // low 32 bits
  return `0x${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
}
