/**
 * One mm's x86-64 page tables as a radix tree of 512-entry tables (facts sheet §9.3).
 *
 *   4-level:  CR3 -> PGD -> PUD -> PMD -> PTE -> page            (P4D folded into the PGD)
 *   5-level:  CR3 -> PGD -> P4D -> PUD -> PMD -> PTE -> page
 *
 * Storage: one pool per upper level, every table 512 consecutive float64 slots in its pool.
 * A table page is never freed while the mm lives (the mm-local tables go away only in
 * mm_local_region_free() at exit), so the pools only grow, by doubling.
 *
 *   upper-level entry  0        pgd/p4d/pud/pmd_none(): no table below
 *                      k > 0    points to table k-1 of the next level down
 *                      -pte < 0 a large leaf (pmd_leaf() 2 MiB, pud_leaf() 1 GiB) whose pte is -entry
 *   PTE entry          the pte number of pte.ts (0 = pte_none())
 *
 * Only the canonical low bits of a page number index the tree: 36 bits with 4-level paging
 * (48-bit VA) and 45 with 5-level (57-bit VA). The sign-extended upper half of the address
 * space (every kernel address, the mm-local slot 272 included) therefore lands in PGD slots
 * 256..511, exactly as the hardware sees it.
 *
 * Page numbers of kernel addresses are about 2^52: every index below is computed with
 * Math.floor on doubles (modPow2), never with 32-bit bitwise operators.
 */
import { Table } from '../defaults.js';
import type { PagingLevels } from './geometry.js';
import { ptePresent } from './pte.js';
import { modPow2 } from '../util/mod-pow2.js';
import type { StateMeter } from '../util/state-bytes.js';

/** tablesPerLevel indices */
export const LEVEL_PTE = 0;
export const LEVEL_PMD = 1;
export const LEVEL_PUD = 2;
export const LEVEL_P4D = 3;
export const LEVEL_PGD = 4;

/**
 * Per paging depth, what every table of that depth walks by (read only, so shared: a run of
 * 100,000 mms makes none of them): the upper levels top down, the pages one entry of each
 * covers, and 1 / that.
 */
const WALK_4 = walkOrder(Int32Array.of(LEVEL_PGD, LEVEL_PUD, LEVEL_PMD), Float64Array.of(2 ** 27, 2 ** 18, 2 ** 9));
const WALK_5 = walkOrder(
  Int32Array.of(LEVEL_PGD, LEVEL_P4D, LEVEL_PUD, LEVEL_PMD),
  Float64Array.of(2 ** 36, 2 ** 27, 2 ** 18, 2 ** 9),
);
/**
 * The pool of a level with no table: upper[LEVEL_PTE] always, the P4D with 4 levels, and every
 * level below the PGD until the mm links its first table there (linkNewTable() then grows a pool
 * of its own, by doubling). Never written, so one serves every mm. An mm starts with its PGD
 * page alone: a run of 100,000 processes (a trace of a kernel build) holds as many mms, and most
 * of a trace's processes never map a mermap page (only the allocations its filter selects do).
 * Four tables a level up front, 52 KiB an mm, took 7.4 GB for such a trace; one a level, 16 KiB.
 */
const NO_TABLES = new Float64Array(0);

function walkOrder(order: Int32Array, entrySpan: Float64Array) {
  return { order, entrySpan, entryScale: entrySpan.map((x) => 1 / x) };
}

export class PageTable {
  readonly levels: PagingLevels;
  /** table pages allocated per level: [0]=PTE tables, [1]=PMD, [2]=PUD, [3]=P4D (0 unless 5-level), [4]=PGD (1) */
  readonly tablesPerLevel = new Int32Array(5);
  /** leaf PTE storage: 512 numbers per PTE table; grows (re-read the property after populate/mapLarge) */
  ptes: Float64Array;
  /** table entries the last walk() read (one per level visited, the leaf included) */
  lastWalkReads = 0;
  /** page shift of what the last walk() ended on: 12, 21 (pmd leaf) or 30 (pud leaf) */
  lastWalkPageShift = 12;
  /** what the last walk() returned */
  lastWalkPte = 0;

  /** pools of upper-level tables, indexed like tablesPerLevel (upper[0] unused: PTEs live in ptes) */
  private readonly upper: Float64Array[];
  /** the upper levels a walk visits, top down (PGD first, PMD last) */
  private readonly order: Int32Array;
  /** pages covered by one entry of order[k]'s tables */
  private readonly entrySpan: Float64Array;
  /** 1 / entrySpan[k]: a power of two, so v * it is v / entrySpan[k] exactly, without a divide */
  private readonly entryScale: Float64Array;
  /** 2^36 or 2^45: pages of the canonical address space */
  private readonly span: number;
  /** where the last descend() that returned -1 stopped: order[] position and the entry there */
  private stopK = 0;
  private stopEntry = 0;
  /**
   * The PTE table the last walk ending in one reached, and the 512-page chunk of canonical
   * pages it covers (-1: none yet). A chunk's table never changes once linked (tables are never
   * freed, and neither populate() nor mapLarge() puts anything over a table), so the next walk
   * in the same chunk (a task's working set) reads it from here instead of descending again.
   */
  private walkChunk = -1;
  private walkTable = 0;

  /**
   * @param pteTablesHint PTE tables to reserve room for up front (a caller that knows how much it
   *   will populate, like mermapPrepareCost, avoids the doubling copies); the tree is the same.
   * @param meter told of the bytes each pool adds when it doubles (the machine's StateMeter)
   */
  constructor(
    levels: PagingLevels,
    pteTablesHint = 0,
    private readonly meter: StateMeter | null = null,
  ) {
    if (levels !== 4 && levels !== 5) throw new RangeError(`paging levels must be 4 or 5, got ${levels}`);
    this.levels = levels;
    this.span = 2 ** (9 * levels);
    const walk = levels === 5 ? WALK_5 : WALK_4;
    this.order = walk.order;
    this.entrySpan = walk.entrySpan;
    this.entryScale = walk.entryScale;
    this.upper = [
      NO_TABLES,
      NO_TABLES,
      NO_TABLES,
      NO_TABLES,
      new Float64Array(Table.PTRS), // the mm's one PGD page, allocated with the mm
    ];
    this.tablesPerLevel[LEVEL_PGD] = 1;
    this.ptes = pteTablesHint > 0 ? new Float64Array(Math.ceil(pteTablesHint) * Table.PTRS) : NO_TABLES;
  }

  /** Bytes of the arrays these tables own (not the walk order that every mm's tables share). */
  ownBytes(): number {
    let n = this.ptes.byteLength + this.tablesPerLevel.byteLength;
    for (const a of this.upper) n += a.byteLength;
    return n;
  }

  totalTablePages(): number {
    const t = this.tablesPerLevel;
    return t[0] + t[1] + t[2] + t[3] + t[4];
  }

  /**
   * apply_to_page_range(): allocate every missing table for [vpn, vpn+n) and write `pte` into
   * each PTE. Page numbers wrap like the kernel's unsigned long. Returns the PTE writes (n).
   */
  populate(vpn: number, n: number, pte: number): number {
    let done = 0;
    while (done < n) {
      const v = modPow2(vpn + done, this.span);
      const off = modPow2(v, Table.PTRS);
      const chunk = Math.min(Table.PTRS - off, n - done);
      const base = this.ensurePteTable(v) * Table.PTRS;
      this.ptes.fill(pte, base + off, base + off + chunk);
      done += chunk;
    }
    return n;
  }

  /**
   * Flat index into this.ptes of vpn's PTE, or -1 when no PTE table covers vpn (a none upper
   * entry, or a large leaf): the case apply_to_existing_page_range() skips.
   */
  pteIndex(vpn: number): number {
    const v = modPow2(vpn, this.span);
    const t = this.descend(v, LEVEL_PTE, false);
    return t < 0 ? -1 : t * Table.PTRS + modPow2(v, Table.PTRS);
  }

  /** The PTE of vpn, 0 (pte_none) when its PTE table does not exist. */
  getPte(vpn: number): number {
    const i = this.pteIndex(vpn);
    return i < 0 ? 0 : this.ptes[i];
  }

  /** Write vpn's PTE; false, and nothing written, when its PTE table does not exist. */
  setPte(vpn: number, pte: number): boolean {
    const i = this.pteIndex(vpn);
    if (i < 0) return false;
    this.ptes[i] = pte;
    return true;
  }

  /**
   * Install a 2 MiB (pmd) or 1 GiB (pud) leaf at an aligned vpn, allocating the upper tables
   * above it. The slot must be none or already a leaf: replacing a table with a leaf would
   * need the kernel's collapse/free path, which this model does not have.
   */
  mapLarge(vpn: number, level: 'pmd' | 'pud', pte: number): void {
    const leafLevel = level === 'pmd' ? LEVEL_PMD : LEVEL_PUD;
    const pages = level === 'pmd' ? 2 ** 9 : 2 ** 18;
    const v = modPow2(vpn, this.span);
    if (modPow2(v, pages) !== 0) throw new RangeError(`${level} leaf at vpn ${vpn} is not ${pages}-page aligned`);
    if (!(pte > 0)) throw new RangeError('a large leaf needs a non-none pte');
    const t = this.descend(v, leafLevel, true);
    if (t < 0) throw new Error(`vpn ${vpn} lies under a larger leaf`);
    const k = this.order.indexOf(leafLevel);
    const slot = t * Table.PTRS + modPow2(Math.floor(v / this.entrySpan[k]), Table.PTRS);
    if (this.upper[leafLevel][slot] > 0) throw new Error(`${level} slot of vpn ${vpn} already points to a table`);
    this.upper[leafLevel][slot] = -pte;
  }

  /**
   * The hardware page walk from CR3. Returns the leaf pte when it is present, else 0 (a none
   * entry on the way, or a leaf without _PAGE_PRESENT such as the mermap sentinel).
   * lastWalkReads: one per table entry read, 4/5 for a 4 KiB leaf, 3/4 for a pmd leaf and
   * 2/3 for a pud leaf (4-/5-level); a walk that stops at a none entry counts that read too.
   */
  walk(vpn: number): number {
    this.walkInto(vpn);
    return this.lastWalkPte;
  }

  /** walk() with its result in lastWalkPte (no 52-bit pte returned through a call to box). */
  walkInto(vpn: number): void {
    const v = modPow2(vpn, this.span);
    const chunk = Math.floor(v / Table.PTRS);
    const t = chunk === this.walkChunk ? this.walkTable : this.descend(v, LEVEL_PTE, false);
    if (t < 0) {
      this.lastWalkReads = this.stopK + 1;
      const e = this.stopEntry;
      if (e === 0) {
        this.lastWalkPageShift = 12;
        this.lastWalkPte = 0;
        return;
      }
      this.lastWalkPageShift = this.order[this.stopK] === LEVEL_PMD ? 21 : 30;
      this.lastWalkPte = ptePresent(-e) ? -e : 0;
      return;
    }
    this.walkChunk = chunk;
    this.walkTable = t;
    this.lastWalkReads = this.order.length + 1;
    this.lastWalkPageShift = 12;
    const pte = this.ptes[t * Table.PTRS + (v - chunk * Table.PTRS)];
    this.lastWalkPte = ptePresent(pte) ? pte : 0;
  }

  /** Walk to v's PTE table, allocating missing tables on the way (pte_alloc / pmd_alloc ...). */
  private ensurePteTable(v: number): number {
    const t = this.descend(v, LEVEL_PTE, true);
    if (t < 0) throw new Error(`cannot populate PTEs under a large leaf (vpn offset ${v})`);
    return t;
  }

  /**
   * The walk, written once: from the PGD down the upper levels for canonical page v, reading one
   * entry per level, until the table of level `until` (LEVEL_PTE: through every upper level).
   * Returns that table's index, or -1 when an entry on the way is not a table pointer: a large
   * leaf, or a none entry when `create` is false (with `create`, pgd/p4d/pud/pmd/pte_alloc()
   * link a new table there). On -1, stopK is the order[] position of the entry and stopEntry
   * its value.
   */
  private descend(v: number, until: number, create: boolean): number {
    const order = this.order;
    let t = 0;
    for (let k = 0; k < order.length; k++) {
      const lvl = order[k];
      if (lvl === until) return t;
      const slot = t * Table.PTRS + modPow2(Math.floor(v * this.entryScale[k]), Table.PTRS);
      const e = this.upper[lvl][slot];
      if (e > 0) t = e - 1;
      else if (e === 0 && create) t = this.linkNewTable(lvl, slot, k + 1 < order.length ? order[k + 1] : LEVEL_PTE);
      else {
        this.stopK = k;
        this.stopEntry = e;
        return -1;
      }
    }
    return t;
  }

  /** Allocate a zeroed table at childLevel and point upper[lvl][slot] at it; returns its index. */
  private linkNewTable(lvl: number, slot: number, childLevel: number): number {
    const idx = this.tablesPerLevel[childLevel];
    const need = (idx + 1) * Table.PTRS;
    if (childLevel === LEVEL_PTE) {
      if (need > this.ptes.length) this.ptes = this.grow(this.ptes, need);
    } else if (need > this.upper[childLevel].length) {
      this.upper[childLevel] = this.grow(this.upper[childLevel], need);
    }
    this.tablesPerLevel[childLevel] = idx + 1;
    this.upper[lvl][slot] = idx + 1;
    return idx;
  }

  /** A pool with room for `need` entries, doubled from `a` (its entries copied). */
  private grow(a: Float64Array, need: number): Float64Array {
    let cap = Math.max(a.length, Table.PTRS);
    while (cap < need) cap *= 2;
    const b = new Float64Array(cap);
    b.set(a);
    this.meter?.add(b.byteLength - a.byteLength);
    return b;
  }
}
