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

function allocatorTarget(): Target {
  const a: MermapAllocator = new RfcV1Mermap(mermapGeometry(4, 512, 1), noFlush, {});
  return {
    get: (pages) => a.get(0, pages, false, PROT_KERNEL_NOGLOBAL, true),
    put: (h) => void a.put(h),
  };
}

function machineTarget(): Target {
  const m = new Machine({ possibleCpus: 1, regionPages: 512, variant: 'rfc-v1', tlb: 'golden-cove', checker: true });
  const mm = m.createMm();
  const task = m.createTask(mm, 0);
  return {
    get: (pages) => m.mermapGet(task, pages, 0x1000, PROT_KERNEL_NOGLOBAL, false),
    put: (h) => void m.mermapPut(task, h),
  };
}

function tight(t: Target, n: number): void {
  for (let i = 0; i < n; i++) t.put(t.get(1));
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
  {
    const t = allocatorTarget();
    rows.push(measure('tight / allocator alone', (n) => tight(t, n), na));
  }
  {
    const t = machineTarget();
    rows.push(measure('tight / full machine', (n) => tight(t, n), nm));
  }
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
