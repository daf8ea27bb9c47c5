import { DEFAULT_PAGING_LEVELS } from '../../core/defaults.js';
import { mermapPrepareCostClosedForm, type MermapPrepareCost } from '../../core/paging/cost.js';
import { mermapGeometry, type PagingLevels } from '../../core/paging/geometry.js';

/**
 * Page-table memory of the mermap per mm (facts sheet §4.3, §9.1): mermap_mm_prepare() builds
 * the tables of every possible CPU's region up front, so the cost grows with possible CPUs x R
 * whether or not a CPU ever maps anything. Computed in closed form (src/core/paging/cost.ts),
 * so a grid of thousands of CPUs costs nothing to tabulate.
 */
export interface PageTableRow {
  pagingLevels: number;
  possibleCpus: number;
  regionPages: number;
  /** page-table bytes mermap_mm_prepare() adds to one mm */
  pageTablesBytesPerMm: number;
  /** the same in KiB */
  pageTablesKibPerMm: number;
  /** page-table pages (4 KiB each) added to one mm */
  pageTablesTablePagesPerMm: number;
  pageTablesPteTables: number;
  pageTablesPmdTables: number;
  pageTablesPudTables: number;
  pageTablesP4dTables: number;
  /** PTEs written at prepare: possibleCpus x regionPages */
  pageTablesSetupPteWrites: number;
}

export function pageTableRow(
  levels: PagingLevels,
  regionPages: number,
  possibleCpus: number,
  c?: MermapPrepareCost,
): PageTableRow {
  const cost = c ?? mermapPrepareCostClosedForm(levels, regionPages, possibleCpus);
  return {
    pagingLevels: levels,
    possibleCpus,
    regionPages,
    pageTablesBytesPerMm: cost.bytes,
    pageTablesKibPerMm: cost.bytes / 1024,
    pageTablesTablePagesPerMm: cost.tablePages,
    pageTablesPteTables: cost.pteTables,
    pageTablesPmdTables: cost.pmdTables,
    pageTablesPudTables: cost.pudTables,
    pageTablesP4dTables: cost.p4dTables,
    pageTablesSetupPteWrites: cost.pteWrites,
  };
}

/**
 * One row per (regionPages, possibleCpus) pair for the page-table memory chart. Pairs whose
 * regions do not fit in the mm-local PGD slot (512 GiB with 4-level paging) are left out.
 */
export function pageTableRows(opts: {
  levels?: PagingLevels;
  regionPages: readonly number[];
  possibleCpus: readonly number[];
}): PageTableRow[] {
  const levels = opts.levels ?? DEFAULT_PAGING_LEVELS;
  const out: PageTableRow[] = [];
  for (const r of opts.regionPages) {
    for (const n of opts.possibleCpus) {
      if (!fits(levels, r, n)) continue;
      out.push(pageTableRow(levels, r, n));
    }
  }
  return out;
}

function fits(levels: PagingLevels, regionPages: number, possibleCpus: number): boolean {
  try {
    mermapGeometry(levels, regionPages, possibleCpus);
    return true;
  } catch {
    return false;
  }
}
