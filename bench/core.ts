import seedrandom from 'seedrandom';
import { Machine } from '../src/core/machine.js';
import type { FlushHost, MermapAllocator } from '../src/core/mermap/allocator.js';
import { RfcV1Mermap } from '../src/core/mermap/rfc-v1.js';
import { mermapGeometry } from '../src/core/paging/geometry.js';
import { PROT_KERNEL_NOGLOBAL } from '../src/core/paging/pte.js';

/**
 * Get/put pairs per second of the core, measured in-process after a warm-up:
 *   tight   one CPU, R = 512, N times: get 1 page, put it
 *   window  one CPU, R = 512, up to 3 live allocations FIFO, sizes 1..8 from a seeded RNG;
 *           a failed get puts the oldest first
 * each (a) on the allocator alone and (b) on the full Machine (page tables, TLB, checker on).
 */
export interface CoreBenchRow {
  name: string;
  pairs: number;
  seconds: number;
  pairsPerSecond: number;
  /** heap growth in bytes between the warm-up and the end of the measured run, after GC */
  heapGrowthBytes: number;
}

const noFlush: FlushHost = { flushTlbAll() {}, flushTlbMm() {}, invlpg() {}, flushKernelRangeAllCpus() {} };

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface Target {
  get(pages: number): number;
  put(h: number): void;
}

function newAllocator(): MermapAllocator {
  return new RfcV1Mermap(mermapGeometry(4, 512, 1), noFlush, {});
}

function allocatorTarget(): Target {
  const a = newAllocator();
  return {
    get: (pages) => a.get(0, pages, false, PROT_KERNEL_NOGLOBAL, true),
    put: (h) => void a.put(h),
  };
}

function newMachine(): { m: Machine; task: number } {
  const m = new Machine({ possibleCpus: 1, regionPages: 512, variant: 'rfc-v1', tlb: 'golden-cove', checker: true });
  return { m, task: m.createTask(m.createMm(), 0) };
}

function machineTarget(): Target {
  const { m, task } = newMachine();
  return {
    get: (pages) => m.mermapGet(task, pages, 0x1000, PROT_KERNEL_NOGLOBAL, false),
    put: (h) => void m.mermapPut(task, h),
  };
}

/**
 * The tight loops, one per target, so that each loop's call sites see one target: one loop
 * shared by both made them polymorphic once the second target ran, and measured the bench's
 * indirection rather than the Machine (about 1 M pairs/s of 17). The Machine's calls it directly,
 * as a caller does; the allocator's goes through its Target, which measured faster than a direct
 * loop on Node 20 (130 against 115 M pairs/s on the project's 2-core machine, docs/performance.md).
 */
function allocatorTight(): (n: number) => void {
  const t = allocatorTarget();
  return (n) => {
    for (let i = 0; i < n; i++) t.put(t.get(1));
  };
}

/**
 * What holds the Machine's tight loop at 18 to 19 M pairs/s (perf with V8's JIT dump, Node
 * 20.20, the project's 2-core machine, November 2026): V8 inlines mermapPut() and its callees
 * into the loop but not mermapGet() (38 % of the time is mermapGet's own code, called). TurboFan
 * weighs a candidate that already has optimized code of its own as its bytecode plus what that
 * code inlined (549 + about 1,200 bytes for mermapGet), and put's callees, a few calls more
 * frequent, come first in its order, so the budget (src/util/v8-inlining.ts) runs out. With
 * everything inlined (a cumulative budget of 3,400 to 4,000) the loop runs at 19.6 to 20.6 M
 * pairs/s, but the default sweep ran 1.3 to 4.7 % slower and each worker compiled 0.14 to 0.25 s
 * longer; taking 224 bytes of rare paths out of mermapGet, mermapPut, get and mapOwn did not
 * change the order. The checker is the rest of the gap: the same loop in a script of its own
 * (everything inlined there) ran at 18.3 to 18.8 M pairs/s, 25.5 M with the checker off, and
 * 20.1 to 20.3 M with the checker's stamps still written but mapOwn's reuse test taken out
 * (20.9 M with neither; builds made for the measurement, two runs each). The reuse test is what
 * the checker is for; written out by hand in mapOwn it ran 18.8 to 19.1 M, inside what one
 * build moves from process to process (18.8 to 20.9 M).
 *
 * The budget's arithmetic (`--trace-turbo-inlining`, this loop in bench/child.js): the loop is
 * compiled more than once. The first compile, on-stack in the warm-up, inlines everything; the
 * one the measured run uses comes after mermapGet() has code of its own, and weighs it at 549
 * + 1,290 bytes. mermapPut() goes first (its call counts 163,900 against 163,872) at 498 + 686
 * bytes, and each of its callees is counted again as it is inlined (unmapOwn() alone 395 + 156),
 * so about 2,000 bytes are spent before mermapGet() is weighed: inlining it needs a cumulative
 * budget near 3,900. In a script of its own the loop's costs were found by removing each part
 * from the build (three or four runs each, November 2026): the lock-in-atomic test and notes
 * cost 13 to 16 %, the notes alone 6 to 8 % (called with the CPU, mm and range, they keep those
 * values alive through the loop). Called with the task and handle only, that loop ran 7 to 8 %
 * faster, but the bench's loop, where mermapGet() is a call, ran alike: 18.6 to 19.2 M pairs/s
 * either way, four processes each.
 *
 * Counted since (`npm run bench:instructions -- --functions`, November 2026): with the hot path's
 * booleans tested against true, the loop is 1,389 instructions a pair, of which cpuEndOf() (70)
 * and refusal() (60) run as calls that were not inlined. cpu_end returned as pages past the base
 * (a small integer, no boxing) got cpuEndOf() inlined, but claim() then stayed out at 129 a get:
 * 39 more a pair, so it was not kept. A cumulative budget of 3400 (src/util/v8-inlining.ts, the
 * CLI's since) inlines both: 1,263 a pair.
 */
export function machineTightLoop(): (n: number) => void {
  const { m, task } = newMachine();
  return (n) => {
    for (let i = 0; i < n; i++) m.mermapPut(task, m.mermapGet(task, 1, 0x1000, PROT_KERNEL_NOGLOBAL, false));
  };
}

/** FIFO window of up to 3 live allocations, sizes 1..8 from a precomputed seeded table. */
function makeWindow(t: Target): (n: number) => void {
  const rng = seedrandom.alea('mermap-lab window');
  const sizes = new Uint8Array(4096);
  for (let i = 0; i < sizes.length; i++) sizes[i] = 1 + Math.floor(rng() * 8);
  const fifo = new Int32Array(4);
  let head = 0;
  let count = 0;
  let k = 0;
  return (n) => {
    for (let i = 0; i < n; i++) {
      const size = sizes[k++ & 4095];
      if (count === 3) {
        t.put(fifo[head]);
        head = (head + 1) & 3;
        count--;
      }
      let h = t.get(size);
      while (h < 0 && count > 0) {
        t.put(fifo[head]);
        head = (head + 1) & 3;
        count--;
        h = t.get(size);
      }
      if (h >= 0) {
        fifo[(head + count) & 3] = h;
        count++;
      }
      // one get and (amortised) one put per iteration
    }
  };
}

function measure(name: string, loop: (n: number) => void, n: number): CoreBenchRow {
  loop(Math.min(n, 2_000_000)); // warm-up: let the JIT settle
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  loop(n);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  return { name, pairs: n, seconds, pairsPerSecond: n / seconds, heapGrowthBytes: heap1 - heap0 };
}

/**
 * The four rows. The tight rows run 10^8 pairs by default, so their heap growth is the check that
 * memory stays flat over 10^8 pairs; the window rows a quarter (allocator) and a tenth (machine).
 */
export function benchCore(opts: { allocatorPairs?: number; machinePairs?: number } = {}): CoreBenchRow[] {
  const na = opts.allocatorPairs ?? 100_000_000;
  const nm = opts.machinePairs ?? 100_000_000;
  const rows: CoreBenchRow[] = [];
  rows.push(measure('tight / allocator alone', allocatorTight(), na));
  rows.push(measure('tight / full machine', machineTightLoop(), nm));
  {
    const t = allocatorTarget();
    rows.push(measure('window / allocator alone', makeWindow(t), na / 4));
  }
  {
    const t = machineTarget();
    rows.push(measure('window / full machine', makeWindow(t), nm / 10));
  }
  return rows;
}
