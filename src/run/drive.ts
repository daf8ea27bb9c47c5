import type { Machine } from '../core/machine.js';
import type { DriveStats } from '../analysis/run-result.js';
import type { SlowPathNote } from '../analysis/metrics/slow-path.js';
import { NumMap } from '../core/util/num-map.js';
import { DEFAULT_CPU_GHZ } from '../config/defaults.js';
import { Pte } from '../core/paging/pte.js';
import { EventChunk, type EventSource, Ev, EvFlag } from '../workloads/events.js';

/**
 * The run driver: applies a workload's event stream to a Machine, doing what the kernel's
 * callers do when the Machine answers (the contract is in events.ts).
 *
 * A GET flagged ZEROING is clear_page_mermap()'s fast path: one mermap_get() of the whole
 * 2^order range, then the zeroing touches every page (TLB fills). When it fails, the slow path
 * runs at once, as in RFC v1 (facts sheet §6.1): for each page, local_irq_save(), a reserved
 * 1-page get, zero it, put it, local_irq_restore(). The allocation's PUT is then a no-op.
 * A GET without ZEROING (microbench, op scripts) has no fallback: its failure is only counted.
 *
 *   allocId -> handle   a NumMap (typed arrays; live allocations are few), so applying an event
 *                       allocates nothing
 */
export interface DriveHooks {
  /** before each event: its simulated time and op index */
  tick(nowNs: number, op: number): void;
  /** the fast path failed; the fallback mapped `pages` pages one by one through the reserved path */
  noteFallback(pages: number): void;
  /** that fallback done: what its rounds wrote, locked and failed, and how long IRQs were off */
  noteSlowPath: SlowPathNote;
  /** useful work (zeroing): `cycles` over `pages` pages */
  noteWork(cycles: number, pages: number): void;
  /** one allocation request (GET) used */
  noteAllocation(): void;
}

export interface DriveOptions {
  /** zeroing cost, for the work counter (cycles per 4 KiB page) */
  zeroCyclesPerPage: number;
  /** the workload's clock, to turn zeroing cycles into IRQs-off time; default 3 (config DEFAULT_CPU_GHZ) */
  cpuGhz?: number | undefined;
  /** the zeroing touches each mapped page (a TLB lookup/fill per page); default true */
  zeroTouches?: boolean | undefined;
  /**
   * Protection the slow path passes to mermap_get_reserved(). RFC v1 passes PAGE_KERNEL, which
   * has the global bit unless PTI or !PGE masked it (bug §8.8): 'kernel' reproduces that (every
   * reserved get then fails with global_prot); the default 'noglobal' is what the fast path uses.
   */
  slowPathProt?: 'noglobal' | 'kernel' | undefined;
  /** stop after this many events (the generator may produce more) */
  maxEvents?: number | undefined;
  /** stop at this simulated time */
  maxNs?: number | undefined;
  /** progress callback, called every ~65k events with the events applied so far */
  onProgress?: ((events: number, nowNs: number) => void) | undefined;
}

/** Create the source's mms (each prepared) and tasks on the machine. */
export function setUpTopology(machine: Machine, source: EventSource): void {
  const t = source.topology;
  for (let i = 0; i < t.mms; i++) machine.createMm(true);
  for (let i = 0; i < t.taskMm.length; i++) machine.createTask(t.taskMm[i], t.taskCpu[i]);
}

export function drive(machine: Machine, source: EventSource, hooks: DriveHooks, opts: DriveOptions): DriveStats {
  const stats: DriveStats = {
    events: 0,
    lastNs: 0,
    fastPathFailures: 0,
    fallbackPages: 0,
    slowPathFailures: 0,
    unknownPuts: 0,
    migrationsRefused: 0,
  };
  const chunk = new EventChunk(4096);
  const live = new NumMap(Math.max(64, machine.onlineCpus * 8));
  /** allocIds of reserved gets (RESERVED events) whose IRQs are off until their PUT */
  const reservedLive = new NumMap(64);
  const touch = opts.zeroTouches !== false;
  const zc = opts.zeroCyclesPerPage;
  /** one page's zeroing, ns: the IRQs-off window of one slow-path round */
  const zeroNs = zc / (opts.cpuGhz ?? DEFAULT_CPU_GHZ);
  const slowProt = opts.slowPathProt === 'kernel' ? Pte.KERNEL_GLOBAL : Pte.KERNEL_NOGLOBAL;
  const maxEvents = opts.maxEvents ?? Infinity;
  const maxNs = opts.maxNs ?? Infinity;
  const clock = machine.clock;
  // read once here: read first at the 65,536th event, after V8 had optimized the loop, the
  // property was a read the loop's code knew nothing of, and V8 threw that code away
  const onProgress = opts.onProgress;
  const slow: SlowPathRun = { machine, hooks, stats, slowProt, touch, zeroNs };
  let op = 0;
  let more = true;
  outer: while (more) {
    chunk.length = 0;
    more = source.fill(chunk);
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const t = chunk.time[i];
      if (op >= maxEvents || t > maxNs) break outer;
      const kind = chunk.kind[i];
      if (kind === Ev.EXIT) {
        // not an op (events.ts): no tick, no op index, not counted
        machine.exitMm(chunk.a[i]);
        continue;
      }
      clock.op = op;
      clock.ns = t;
      hooks.tick(t, op);
      const task = chunk.task[i];
      switch (kind) {
        case Ev.GET: {
          const pages = chunk.a[i];
          const pfn = chunk.pfn[i];
          const flags = chunk.flags[i];
          const zeroing = (flags & EvFlag.ZEROING) !== 0;
          hooks.noteAllocation();
          const prot = (flags & EvFlag.PROT_GLOBAL) !== 0 ? Pte.KERNEL_GLOBAL : Pte.KERNEL_NOGLOBAL;
          const h = machine.mermapGet(task, pages, pfn, prot, false);
          if (h >= 0) {
            if (touch && zeroing) machine.accessMermap(task, lastOffset(machine, task), pages);
            live.set(chunk.b[i], h);
          } else if (zeroing) {
            slowPath(slow, task, pages, pfn);
          }
          if (zeroing) hooks.noteWork(pages * zc, pages);
          break;
        }
        case Ev.PUT: {
          const h = live.take(chunk.b[i]);
          if (h >= 0) {
            machine.mermapPut(task, h);
            if (reservedLive.take(chunk.b[i]) >= 0) machine.localIrqRestore(task);
          }
          break;
        }
        case Ev.RESERVED: {
          machine.localIrqSave(task);
          const prot = (chunk.flags[i] & EvFlag.PROT_GLOBAL) !== 0 ? Pte.KERNEL_GLOBAL : slowProt;
          const h = machine.mermapGet(task, 1, chunk.pfn[i], prot, true);
          if (h >= 0) {
            if (touch) machine.accessMermap(task, lastOffset(machine, task), 1);
            live.set(chunk.b[i], h);
            reservedLive.set(chunk.b[i], 1);
          } else {
            stats.slowPathFailures++;
            machine.localIrqRestore(task);
          }
          break;
        }
        case Ev.FREE:
          machine.freePages(chunk.pfn[i], chunk.b[i], chunk.cpu[i]);
          break;
        case Ev.SWITCH:
          // a task the machine refused to migrate runs where it really is (events.ts contract)
          machine.switchTo(task);
          break;
        case Ev.MIGRATE:
          if (!machine.migrate(task, chunk.a[i])) stats.migrationsRefused++;
          break;
        case Ev.TOUCH:
          machine.access(task, chunk.a[i]);
          break;
      }
      op++;
      if ((op & 0xffff) === 0 && onProgress !== undefined) onProgress(op, t);
    }
  }
  stats.events = op;
  stats.lastNs = clock.ns;
  return stats;
}

/** What slowPath() needs of the run: made once per drive(). */
interface SlowPathRun {
  machine: Machine;
  hooks: DriveHooks;
  stats: DriveStats;
  slowProt: number;
  touch: boolean;
  zeroNs: number;
}

/**
 * clear_page_mermap()'s slow path after a failed fast-path get: page by page, IRQs off, through
 * the reserve. (A function of its own, out of drive()'s loop: it runs rarely, and inside the
 * loop it grew the loop's compiled code and deoptimized it the first time it ran. Module level,
 * not a closure made per run: a closure's optimized code was thrown away at every run, about 15
 * times per sweep point, for the run's own hooks.)
 */
function slowPath(x: SlowPathRun, task: number, pages: number, pfn: number): void {
  const { machine, hooks, stats } = x;
  stats.fastPathFailures++;
  stats.fallbackPages += pages;
  hooks.noteFallback(pages);
  const alloc = machine.allocator(machine.mmOfTask(task));
  const pte0 = machine.pteWrites;
  let mapped = 0;
  for (let p = 0; p < pages; p++) {
    machine.localIrqSave(task);
    const hr = machine.mermapGet(task, 1, pfn + p, x.slowProt, true);
    if (hr >= 0) {
      if (x.touch === true) machine.accessMermap(task, lastOffset(machine, task), 1);
      machine.mermapPut(task, hr);
      mapped++;
    }
    machine.localIrqRestore(task);
  }
  stats.slowPathFailures += pages - mapped;
  // rfc-v1 takes the PTE lock in the get and in the put (facts §8.2)
  const locks = alloc.ptesLocked === true ? 2 * mapped : 0;
  const zeroNs = x.zeroNs;
  hooks.noteSlowPath(pages, machine.pteWrites - pte0, locks, pages - mapped, mapped * zeroNs, mapped > 0 ? zeroNs : 0);
}

/**
 * The offset from MERMAP_BASE_ADDR's page of the range the task's last get mapped: a small
 * integer, which crosses calls unboxed (the 52-bit page number would not).
 */
function lastOffset(machine: Machine, task: number): number {
  return machine.allocator(machine.mmOfTask(task)).lastBase - machine.geometry.baseVpn;
}

export type { DriveStats };
