import { Table } from '../defaults.js';
import type { MermapGeometry } from '../paging/geometry.js';
import type { PageTable } from '../paging/page-table.js';
import type { StateMeter } from '../util/state-bytes.js';

/**
 * Where the mermap's PTEs sit in one mm's PageTable.ptes, remembered per PTE table: a get or put
 * finds each page's PTE with a subtraction and an array load instead of a walk down 4 or 5
 * levels of 52-bit page numbers.
 *
 * MERMAP_BASE_ADDR is table aligned (the mm-local slot plus the LDT remap's 512 pages), so
 * chunk k = [baseVpn + 512 k, baseVpn + 512 (k + 1)) is exactly one PTE table. A table, once
 * linked, keeps its index for the mm's life (page tables are never freed, and a large leaf is
 * never put over a table: PageTable.mapLarge refuses), so a chunk's index never goes stale; a
 * chunk with no table yet is not remembered and is looked up again next time.
 */
export class MermapPteIndex {
  private readonly baseVpn: number;
  private readonly pages: number;
  /** index in ptes of each chunk's first PTE, plus 1 (0: not known); made on first use */
  private first: Int32Array | null = null;

  /** the mermap's page offsets all fit in 31 bits: indexOfSmall() may be used */
  readonly smallOffsets: boolean;

  constructor(
    g: MermapGeometry,
    private readonly meter: StateMeter | null = null,
  ) {
    if (g.baseVpn % Table.PTRS !== 0) throw new RangeError('MERMAP_BASE_ADDR is not PTE-table aligned');
    this.baseVpn = g.baseVpn;
    this.pages = g.endVpn - g.baseVpn;
    this.smallOffsets = this.pages <= 2 ** 31 - 1;
  }

  /** Bytes of the index (none until its first use). */
  bytes(): number {
    return this.first === null ? 0 : this.first.byteLength;
  }

  /** pt.pteIndex(vpn) (the flat index of vpn's PTE, or -1 when no PTE table covers it). */
  index(pt: PageTable, vpn: number): number {
    return this.indexAt(pt, vpn - this.baseVpn);
  }

  /** index() of the page at offset `off` from MERMAP_BASE_ADDR (outside the mermap: a walk). */
  indexAt(pt: PageTable, off: number): number {
    const first = this.first;
    if (first !== null && off >= 0 && off < this.pages) {
      const chunk = Math.floor(off / Table.PTRS);
      const f = first[chunk];
      if (f !== 0) return f - 1 + (off - chunk * Table.PTRS);
    }
    return this.lookUp(pt, off);
  }

  /**
   * indexAt() of a page offset known to be a small whole number inside the mermap (0 <= off <
   * its pages < 2^31, see smallOffsets): 32-bit integer arithmetic, no floating point.
   */
  indexOfSmall(pt: PageTable, off: number): number {
    const first = this.first;
    if (first !== null) {
      const f = first[off >> Table.SHIFT];
      if (f !== 0) return f - 1 + (off & (Table.PTRS - 1));
    }
    return this.lookUp(pt, off);
  }

  /**
   * Remember the PTE tables of the pages [off, off + pages) from MERMAP_BASE_ADDR: a CPU's region
   * the Machine has just materialised (MachineMms.ensureRegions), all of whose tables now exist.
   * Then a get, put or walk there finds its chunk known, and lookUp() runs only for what no
   * region covers: it ran for each new chunk before, the first of them when V8 had not yet
   * given indexOfSmall() its feedback, so a later chunk's first lookup (a CPU's region past 512
   * pages) deoptimized Machine.mermapGet() (issue 19).
   */
  noteTables(pt: PageTable, off: number, pages: number): void {
    const first = this.table();
    const end = Math.min(off + pages, this.pages);
    for (let chunk = Math.floor(off / Table.PTRS); chunk * Table.PTRS < end; chunk++) {
      if (first[chunk] !== 0) continue;
      const i = pt.pteIndex(this.baseVpn + chunk * Table.PTRS);
      if (i >= 0) first[chunk] = i + 1;
    }
  }

  /** The chunks' first-PTE table, made on first use. */
  private table(): Int32Array {
    let first = this.first;
    if (first === null) {
      first = new Int32Array(Math.ceil(this.pages / Table.PTRS));
      this.first = first;
      this.meter?.add(first.byteLength);
    }
    return first;
  }

  /** indexAt() the first time for a chunk (small, so that indexAt inlines). */
  private lookUp(pt: PageTable, off: number): number {
    if (off < 0 || off >= this.pages) return pt.pteIndex(this.baseVpn + off);
    const first = this.table();
    const chunk = Math.floor(off / Table.PTRS);
    const i = pt.pteIndex(this.baseVpn + chunk * Table.PTRS);
    if (i < 0) return -1;
    first[chunk] = i + 1;
    return i + (off - chunk * Table.PTRS);
  }
}
