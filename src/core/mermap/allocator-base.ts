import { cpuBaseVpn, type MermapGeometry } from '../paging/geometry.js';
import type { FlushHost } from './allocator.js';

/** Each geometry's region bases, made once: every mm of a machine shares them (read only). */
const cpuBases = new WeakMap<MermapGeometry, Float64Array>();

/**
 * mermap_cpu_base() >> PAGE_SHIFT of every possible CPU of `geometry`: one array for all the
 * allocators of a machine, so an mm costs no copy of it (8 bytes a possible CPU, and as many
 * calls, for each of a run's thousands of mms).
 */
export function cpuBasesOf(geometry: MermapGeometry): Float64Array {
  let a = cpuBases.get(geometry);
  if (a === undefined) {
    a = new Float64Array(geometry.possibleCpus);
    for (let c = 0; c < a.length; c++) a[c] = cpuBaseVpn(geometry, c);
    cpuBases.set(geometry, a);
  }
  return a;
}

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
  /** cpuBasesOf(geometry): shared, never written */
  protected readonly cpuBase: Float64Array;

  constructor(geometry: MermapGeometry, host: FlushHost) {
    this.geometry = geometry;
    this.regionPages = geometry.regionPages;
    this.host = host;
    const n = geometry.possibleCpus;
    this.flushes = new Float64Array(n);
    this.invlpgs = new Float64Array(n);
    this.cpuBase = cpuBasesOf(geometry);
  }
}
