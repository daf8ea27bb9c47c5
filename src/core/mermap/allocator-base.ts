import { cpuBaseVpn, type MermapGeometry } from '../paging/geometry.js';
import type { FlushHost } from './allocator.js';

/**
 * What every allocator keeps whatever its policy: the geometry it hands out ranges in, the
 * FlushHost it asks for flushes, each CPU's region base (mermap_cpu_base() >> PAGE_SHIFT,
 * precomputed), the per-CPU flush and INVLPG counts, and the last range a get or put touched
 * (read by the machine right after the call, so nothing is allocated to return it).
 */
export abstract class AllocatorBase {
  readonly geometry: MermapGeometry;
  readonly regionPages: number;
  /** mermap_mm_prepare() has run: mm->mermap.cpu is set */
  prepared = true;
  lastBase = 0;
  lastPages = 0;
  readonly flushes: Float64Array;
  readonly invlpgs: Float64Array;
  protected readonly host: FlushHost;
  protected readonly cpuBase: Float64Array;

  constructor(geometry: MermapGeometry, host: FlushHost) {
    this.geometry = geometry;
    this.regionPages = geometry.regionPages;
    this.host = host;
    const n = geometry.possibleCpus;
    this.flushes = new Float64Array(n);
    this.invlpgs = new Float64Array(n);
    this.cpuBase = new Float64Array(n);
    for (let c = 0; c < n; c++) this.cpuBase[c] = cpuBaseVpn(geometry, c);
  }
}
