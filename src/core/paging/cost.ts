/**
 * What mermap_mm_prepare() costs one mm in page-table memory (facts sheet §4.3).
 *
 * For every possible CPU the kernel runs apply_to_page_range() over the CPU's whole region
 * [MERMAP_BASE_ADDR + cpu*R, +R): that allocates the missing PUD/PMD/PTE tables (and the P4D
 * table with 5-level paging) and writes every PTE, so get() later never allocates. The regions
 * sit back to back after the LDT remap's 2 MiB, all inside the one mm-local PGD slot:
 *
 *   PGD slot 272 -> (P4D) -> 1 PUD table -> PMD table(s) -> PTE tables
 *                                           PMD slot 0 = LDT remap, slot 1.. = cpu regions
 *
 * With R = 512 pages every region is exactly one PTE table, so N CPUs cost
 * N PTE + ceil((N+1)/512) PMD + 1 PUD (+1 P4D) pages. The mm's PGD page is not counted: every
 * mm has it whether or not the mermap is prepared.
 */
import { Table } from '../defaults.js';
import { PAGE_SIZE, cpuBaseVpn, mermapGeometry, type PagingLevels } from './geometry.js';
import { LEVEL_P4D, LEVEL_PMD, LEVEL_PTE, LEVEL_PUD, PageTable } from './page-table.js';
import { PTE_SENTINEL } from './pte.js';

export interface MermapPrepareCost {
  pteTables: number;
  pmdTables: number;
  pudTables: number;
  /** 0 with 4-level paging (P4D folded into the PGD) */
  p4dTables: number;
  /** table pages added for the mermap: the sum of the four counts above */
  tablePages: number;
  /** tablePages * PAGE_SIZE */
  bytes: number;
  /** PTEs written by apply_to_page_range(): possibleCpus * regionPages */
  pteWrites: number;
}

/**
 * Page-table cost of mermap_mm_prepare() for one mm, measured by building the tree: a fresh
 * PageTable (just its PGD page) gets every possible CPU's region populated with the rfc-v1
 * sentinel (rfc-later writes zeros; the tables allocated are the same).
 */
export function mermapPrepareCost(levels: PagingLevels, regionPages: number, possibleCpus: number): MermapPrepareCost {
  checkArgs(regionPages, possibleCpus);
  const g = mermapGeometry(levels, regionPages, possibleCpus);
  // one PTE table per 512 pages, +1 when the range straddles a table boundary
  const pt = new PageTable(levels, Math.ceil((possibleCpus * regionPages) / Table.PTRS) + 1);
  let pteWrites = 0;
  for (let cpu = 0; cpu < possibleCpus; cpu++) {
    pteWrites += pt.populate(cpuBaseVpn(g, cpu), regionPages, PTE_SENTINEL);
  }
  const t = pt.tablesPerLevel;
  return makeCost(t[LEVEL_PTE], t[LEVEL_PMD], t[LEVEL_PUD], t[LEVEL_P4D], pteWrites);
}

/**
 * The same cost in closed form. The regions form one contiguous range [base, end) inside the
 * mm-local PGD slot, so the tables of a level are the distinct blocks of that level's reach the
 * range touches: floor((end-1)/reach) - floor(base/reach) + 1, reach = 2^9 pages for a PTE
 * table, 2^18 for a PMD table, 2^27 for a PUD table (one each for PUD and P4D here, since the
 * range never leaves its PGD slot).
 */
export function mermapPrepareCostClosedForm(
  levels: PagingLevels,
  regionPages: number,
  possibleCpus: number,
): MermapPrepareCost {
  checkArgs(regionPages, possibleCpus);
  const g = mermapGeometry(levels, regionPages, possibleCpus);
  const span = 2 ** (9 * levels);
  const base = g.baseVpn % span;
  const last = base + possibleCpus * regionPages - 1;
  const blocks = (reach: number): number =>
    possibleCpus === 0 ? 0 : Math.floor(last / reach) - Math.floor(base / reach) + 1;
  return makeCost(
    blocks(2 ** 9),
    blocks(2 ** 18),
    blocks(2 ** 27),
    levels === 5 ? blocks(2 ** 36) : 0,
    possibleCpus * regionPages,
  );
}

function makeCost(pte: number, pmd: number, pud: number, p4d: number, pteWrites: number): MermapPrepareCost {
  const tablePages = pte + pmd + pud + p4d;
  return {
    pteTables: pte,
    pmdTables: pmd,
    pudTables: pud,
    p4dTables: p4d,
    tablePages,
    bytes: tablePages * PAGE_SIZE,
    pteWrites,
  };
}

function checkArgs(regionPages: number, possibleCpus: number): void {
  if (!Number.isInteger(regionPages) || regionPages <= 0)
    throw new RangeError(`regionPages must be a positive integer, got ${regionPages}`);
  if (!Number.isInteger(possibleCpus) || possibleCpus < 0)
    throw new RangeError(`possibleCpus must be a non-negative integer, got ${possibleCpus}`);
}
