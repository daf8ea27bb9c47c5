/**
 * `microbench`: the mermap benchmark loops, one thread per online CPU, all in one mm (the test
 * process), pinned.
 *
 *   tight:  GET, PUT, GET, PUT, ...                        (KUnit test_tlb_flushed's loop, facts §7.4)
 *   window: a FIFO of `window` live mappings: before a GET, when `window` are live, PUT the oldest
 *           GET GET GET PUT(1st) GET PUT(2nd) GET ...      (window 3 stays within rfc-later's 3 normal slots)
 *
 * Operations on a CPU are opNs apart; all CPUs run in step (equal times go in CPU order). Each
 * get maps a size drawn from `sizes`; with reservedFraction, a get is instead a reserved 1-page
 * get (RESERVED, IRQs off until its PUT). Gets map the thread's own buffer: live mappings of a
 * CPU use distinct pfns, and the same pfns are mapped again and again (nothing is freed).
 * GETs carry no ZEROING flag: a failed get is counted, with no fallback.
 */
import type { MicrobenchConfig, RunConfig, SizeDistribution } from '../config/types.js';
import { startFill, Ev } from './events.js';
import type { EventChunk, EventSource, WorkloadTopology } from './events.js';
import { AliasTable, createUniform, type Uniform } from './rng.js';
import { PHYS_BASE_PFN } from '../config/defaults.js';
import type { GeneratorOptions } from './unmapped-alloc.js';

const MAX_STEP = 1;

function maxPagesOf(s: SizeDistribution): number {
  if (s.dist === 'fixed') return s.pages;
  if (s.dist === 'uniform') return s.max;
  return Math.max(...s.pages);
}

export class MicrobenchSource implements EventSource {
  readonly topology: WorkloadTopology;
  private readonly w: MicrobenchConfig;
  private readonly n: number;
  private readonly endTimeNs: number;
  private readonly rng: Uniform[] = [];
  private readonly table: AliasTable | null;
  private readonly tablePages: Float64Array;
  private readonly window: number;
  private readonly bufferPages: number;
  // per CPU ring of live mappings: slot (cpu * window + i) maps buffer slot i of the CPU
  private readonly liveId: Float64Array;
  private readonly livePages: Float64Array;
  private readonly head: Int32Array;
  private readonly count: Int32Array;
  private step = -1; // -1: the initial switches
  private cpu = 0;
  private nextAllocId = 0;
  private done = false;

  constructor(config: RunConfig, opts: GeneratorOptions = {}) {
    if (config.workload.kind !== 'microbench') throw new TypeError('MicrobenchSource needs a microbench workload');
    const w = (this.w = config.workload);
    const n = (this.n = config.machine.onlineCpus);
    this.endTimeNs = opts.endTimeNs ?? Infinity;
    const taskCpu = new Int32Array(n);
    for (let c = 0; c < n; c++) taskCpu[c] = c;
    this.topology = { taskMm: new Int32Array(n), taskCpu, mms: 1 };
    this.window = w.mode === 'tight' ? 1 : w.window;
    this.bufferPages = maxPagesOf(w.sizes);
    for (let c = 0; c < n; c++) this.rng.push(createUniform(config.seed, 'microbench', 'cpu', c));
    if (w.sizes.dist === 'table') {
      this.table = new AliasTable(w.sizes.weights);
      this.tablePages = Float64Array.from(w.sizes.pages);
    } else {
      this.table = null;
      this.tablePages = new Float64Array(0);
    }
    const slots = n * this.window;
    this.liveId = new Float64Array(slots);
    this.livePages = new Float64Array(slots);
    this.head = new Int32Array(n);
    this.count = new Int32Array(n);
  }

  private drawPages(u: Uniform): number {
    const s = this.w.sizes;
    if (s.dist === 'fixed') return s.pages;
    if (s.dist === 'uniform') return s.min + Math.floor(u() * (s.max - s.min + 1));
    return this.tablePages[this.table!.sample(u)]!;
  }

  /** First pfn of buffer slot `slot` of CPU c's thread. */
  private pfnOf(c: number, slot: number): number {
    return PHYS_BASE_PFN + (c * this.window + slot) * this.bufferPages;
  }

  fill(chunk: EventChunk): boolean {
    if (!startFill(chunk, this.done, MAX_STEP)) return false;
    const n = this.n;
    const win = this.window;
    const w = this.w;
    while (chunk.length < chunk.capacity) {
      const c = this.cpu;
      if (this.step < 0) {
        chunk.push(Ev.SWITCH, 0, c, c, 0, 0, -1, 0);
      } else {
        const t = Math.round(this.step * w.opNs);
        if (t > this.endTimeNs) {
          this.done = true;
          return false;
        }
        const base = c * win;
        const cnt = this.count[c]!;
        if (cnt === win || (w.mode === 'tight' && cnt === 1)) {
          // put the oldest
          const pos = this.head[c]!;
          const i = base + pos;
          chunk.push(Ev.PUT, t, c, c, this.livePages[i]!, this.liveId[i]!, this.pfnOf(c, pos), 0);
          this.head[c] = (this.head[c]! + 1) % win;
          this.count[c] = cnt - 1;
        } else {
          const u = this.rng[c]!;
          const pos = (this.head[c]! + cnt) % win;
          const i = base + pos;
          const id = this.nextAllocId++;
          const reserved = w.reservedFraction > 0 && u() < w.reservedFraction;
          const pages = reserved ? 1 : this.drawPages(u);
          const pfn = this.pfnOf(c, pos);
          this.liveId[i] = id;
          this.livePages[i] = pages;
          if (reserved) chunk.push(Ev.RESERVED, t, c, c, pfn, id, pfn, 0);
          else chunk.push(Ev.GET, t, c, c, pages, id, pfn, 0);
          this.count[c] = cnt + 1;
        }
      }
      if (++this.cpu === n) {
        this.cpu = 0;
        this.step++;
      }
    }
    return true;
  }
}
