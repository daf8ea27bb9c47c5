/**
 * `unmapped-alloc`: the RFC v1 page allocator zeroing __GFP_UNMAPPED pages through the mermap
 * (facts §6.1).
 *
 * Each online CPU runs a round-robin queue of tasks: mmsPerCpu processes × threadsPerMm threads.
 * Zeroing operations arrive per CPU (Poisson, or bursty on/off) and are served one at a time by
 * the running task; arrivals while it is busy wait in the CPU's backlog.
 *
 *   arrival ─► running task idle? ── yes ─► GET 2^order pages (ZEROING), busy for the zeroing time
 *                                  └─ no ──► backlog + 1
 *   zeroing done ─► PUT ─► init_on_free: FREE now | init_on_alloc: FREE after an exponential hold
 *                       ─► next pageblock call (order 10, see pageblockQuirk), or the backlog
 *   tick (every timeSliceUs) ─► with preemptProbability: SWITCH to the next queued task; a busy
 *       task keeps its mapping and the rest of its zeroing while preempted, so the next task of
 *       the same mm can GET a second slot on the same CPU (the nesting of facts §8.1)
 *                            ─► with migrateProbability: MIGRATE the next queued task, if it holds
 *       no mapping, to another online CPU (a CPU keeps at least one task)
 *
 * clear_page_mermap is called once per pageblock of 512 pages (kernel_init_pages); for order 10
 * rfc-v1 passes the allocation's first page and the remaining count each time (facts §6.1), so the
 * zeroing is a GET of 1024 pages then a GET of 512 pages at the same pfn. With
 * pageblockQuirk = false it is two 512-page GETs, one per block.
 *
 * Every GET is flagged ZEROING: the driver falls back to the reserved slow path when it fails.
 * Tasks, CPUs and mms: task k belongs to mm floor(k / threadsPerMm) and starts on CPU
 * floor(k / (mmsPerCpu * threadsPerMm)); the first task of each CPU's queue runs first.
 *
 * So every mm's threads start side by side on one CPU, and only migration scatters them (to
 * about 1.4 threads of the getting mm per CPU after a few simulated seconds at the defaults).
 * That start is not a steady state, and it shows: a task preempted while it holds a mapping pins
 * its (mm, CPU) window, and its siblings on that CPU flush once per get that does not fit above
 * the pin (once per page on the slow path). Those storms fade as migration spreads the siblings,
 * so with migration on the flush rate falls with run length (README, "Online CPUs in the default
 * sweep"; test/run/pinned-window.test.ts).
 */
import { startFill, Ev, EvFlag } from './events.js';
import type { EventChunk, EventSource } from './events.js';
import { CpuTime, TaskField, UnmappedAllocState } from './unmapped-alloc-state.js';

export { type GeneratorOptions, unmappedAllocMms } from './unmapped-alloc-state.js';

/** Pages per pageblock on x86-64 (pageblock_order = 9). */
const PAGEBLOCK_PAGES = 512;
/** 2^order for orders 0..10 */
const POW2 = new Float64Array(11).map((_, i) => 2 ** i);
/** Most events one step of one CPU can emit. */
const MAX_STEP = 4;
// The layouts' offsets (unmapped-alloc-state.ts) under short local names; tsc writes numbers.
const BUSY_END = CpuTime.BUSY_END;
const NEXT_TICK = CpuTime.NEXT_TICK;
const NEXT_ARRIVAL = CpuTime.NEXT_ARRIVAL;
const NEXT_TOGGLE = CpuTime.NEXT_TOGGLE;
const CPU_FIELDS = CpuTime.FIELDS;
const T_HOLDING = TaskField.HOLDING;
const T_REMAIN = TaskField.REMAIN;
const T_ALLOC_ID = TaskField.ALLOC_ID;
const T_PFN = TaskField.PFN;
const T_PAGES = TaskField.PAGES;
const T_ORDER = TaskField.ORDER;
const T_PHASES_LEFT = TaskField.PHASES_LEFT;
const T_PHASE_INDEX = TaskField.PHASE_INDEX;
const TASK_FIELDS = TaskField.FIELDS;

/** The workload's events: what each CPU's next step emits (the diagram above). */
export class UnmappedAllocSource extends UnmappedAllocState implements EventSource {
  private nextTime(c: number): number {
    let t = this.times[CPU_FIELDS * c + BUSY_END];
    const tick = this.times[CPU_FIELDS * c + NEXT_TICK];
    if (tick < t) t = tick;
    const arr = this.times[CPU_FIELDS * c + NEXT_ARRIVAL];
    if (arr < t) t = arr;
    const tog = this.times[CPU_FIELDS * c + NEXT_TOGGLE];
    if (tog < t) t = tog;
    return t;
  }

  fill(chunk: EventChunk): boolean {
    if (!startFill(chunk, this.done, MAX_STEP)) return false;
    const heap = this.heap;
    const frees = this.frees;
    const limit = chunk.capacity - MAX_STEP;
    const endTimeNs = this.endTimeNs;
    while (chunk.length <= limit) {
      const c = heap.top();
      const tc = heap.key[c]!;
      const tf = frees.size > 0 ? frees.minTime() : Infinity;
      const t = Math.min(tf, tc);
      if (t > endTimeNs || t === Infinity) break; // past the end, or nothing left
      if (tf <= tc) {
        frees.pop();
        this.phys.free(frees.poppedPfn, frees.poppedOrder);
        chunk.push(Ev.FREE, tf, -1, -1, frees.poppedPfn, POW2[frees.poppedOrder]!, frees.poppedPfn, 0);
        continue;
      }
      this.step(c, tc, chunk);
      heap.replaceTopKey(this.nextTime(c));
    }
    if (chunk.length <= limit) this.done = true;
    return !this.done;
  }

  private step(c: number, t: number, chunk: EventChunk): void {
    if (this.unstarted > 0 && this.started[c] === 0) {
      this.unstarted--;
      this.started[c] = 1;
      chunk.push(Ev.SWITCH, t, c, this.cur[c]!, 0, 0, -1, 0);
      return;
    }
    if (this.times[CPU_FIELDS * c + BUSY_END] <= t) this.finishPhase(c, t, chunk);
    else if (this.times[CPU_FIELDS * c + NEXT_TICK] <= t) this.tick(c, t, chunk);
    else if (this.times[CPU_FIELDS * c + NEXT_TOGGLE] <= t) this.toggle(c, t);
    else this.arrive(c, t, chunk);
  }

  private startAlloc(c: number, k: number, t: number, chunk: EventChunk): void {
    const order = this.orders.pick(this.rng.next(c));
    const pfn = this.phys.alloc(order);
    const total = POW2[order]!;
    const calls = total > PAGEBLOCK_PAGES ? total / PAGEBLOCK_PAGES : 1;
    this.task[TASK_FIELDS * k + T_ORDER] = order;
    this.task[TASK_FIELDS * k + T_PFN] = pfn;
    this.task[TASK_FIELDS * k + T_PHASES_LEFT] = calls - 1;
    this.task[TASK_FIELDS * k + T_PHASE_INDEX] = 0;
    this.task[TASK_FIELDS * k + T_HOLDING] = 1;
    this.startPhase(c, k, t, chunk);
  }

  /** One clear_page_mermap call: GET of this pageblock call's range. */
  private startPhase(c: number, k: number, t: number, chunk: EventChunk): void {
    const total = POW2[this.task[TASK_FIELDS * k + T_ORDER]]!;
    const i = this.task[TASK_FIELDS * k + T_PHASE_INDEX];
    let pages: number;
    let pfn = this.task[TASK_FIELDS * k + T_PFN];
    if (total <= PAGEBLOCK_PAGES) pages = total;
    else if (this.w.pageblockQuirk)
      pages = total - i * PAGEBLOCK_PAGES; // first page, remaining count
    else {
      pages = PAGEBLOCK_PAGES;
      pfn += i * PAGEBLOCK_PAGES;
    }
    const id = this.nextAllocId++;
    this.task[TASK_FIELDS * k + T_ALLOC_ID] = id;
    this.task[TASK_FIELDS * k + T_PAGES] = pages;
    chunk.push(Ev.GET, t, c, k, pages, id, pfn, EvFlag.ZEROING);
    this.times[CPU_FIELDS * c + BUSY_END] = t + Math.round(pages * this.nsPerPage);
  }

  private phasePfn(k: number): number {
    const total = POW2[this.task[TASK_FIELDS * k + T_ORDER]]!;
    if (total <= PAGEBLOCK_PAGES || this.w.pageblockQuirk) return this.task[TASK_FIELDS * k + T_PFN];
    return this.task[TASK_FIELDS * k + T_PFN] + this.task[TASK_FIELDS * k + T_PHASE_INDEX] * PAGEBLOCK_PAGES;
  }

  private finishPhase(c: number, t: number, chunk: EventChunk): void {
    const k = this.cur[c]!;
    chunk.push(
      Ev.PUT,
      t,
      c,
      k,
      this.task[TASK_FIELDS * k + T_PAGES],
      this.task[TASK_FIELDS * k + T_ALLOC_ID],
      this.phasePfn(k),
      EvFlag.ZEROING,
    );
    this.times[CPU_FIELDS * c + BUSY_END] = Infinity;
    if (this.task[TASK_FIELDS * k + T_PHASES_LEFT] > 0) {
      this.task[TASK_FIELDS * k + T_PHASES_LEFT]--;
      this.task[TASK_FIELDS * k + T_PHASE_INDEX]++;
      this.startPhase(c, k, t, chunk);
      return;
    }
    this.task[TASK_FIELDS * k + T_HOLDING] = 0;
    const order = this.task[TASK_FIELDS * k + T_ORDER];
    const pfn = this.task[TASK_FIELDS * k + T_PFN];
    if (this.initOnFree) {
      // zeroed on the free path, then returned at once
      this.phys.free(pfn, order);
      chunk.push(Ev.FREE, t, -1, -1, pfn, POW2[order]!, pfn, 0);
    } else {
      const hold = this.holdNs > 0 ? Math.round(-Math.log(1 - this.rng.next(c)) * this.holdNs) : 0;
      this.frees.push(t + hold, pfn, order);
    }
    if (this.backlog[c]! > 0) {
      this.backlog[c]--;
      this.startAlloc(c, k, t, chunk);
    }
  }

  private arrive(c: number, t: number, chunk: EventChunk): void {
    this.times[CPU_FIELDS * c + NEXT_ARRIVAL] = this.drawArrival(c, t);
    const k = this.cur[c]!;
    if (this.task[TASK_FIELDS * k + T_HOLDING] === 0) this.startAlloc(c, k, t, chunk);
    else this.backlog[c]++;
  }

  private toggle(c: number, t: number): void {
    const rng = this.rng;
    if (this.burstOn[c]) {
      this.burstOn[c] = 0;
      this.times[CPU_FIELDS * c + NEXT_ARRIVAL] = Infinity;
      this.times[CPU_FIELDS * c + NEXT_TOGGLE] = t + Math.round(-Math.log(1 - rng.next(c)) * this.offMeanNs);
    } else {
      this.burstOn[c] = 1;
      this.times[CPU_FIELDS * c + NEXT_TOGGLE] = t + Math.round(-Math.log(1 - rng.next(c)) * this.onMeanNs);
      this.times[CPU_FIELDS * c + NEXT_ARRIVAL] = this.drawArrival(c, t);
    }
  }

  private tick(c: number, t: number, chunk: EventChunk): void {
    const rng = this.rng;
    this.times[CPU_FIELDS * c + NEXT_TICK] = t + this.sliceNs;
    const rq = this.rq;
    if (rq.count[c]! < 2) return;
    const w = this.w;
    if (w.preemptProbability > 0 && rng.next(c) < w.preemptProbability) {
      const k = this.cur[c]!;
      if (this.times[CPU_FIELDS * c + BUSY_END] !== Infinity) {
        this.task[TASK_FIELDS * k + T_REMAIN] = this.times[CPU_FIELDS * c + BUSY_END] - t;
        this.times[CPU_FIELDS * c + BUSY_END] = Infinity;
      }
      const next = rq.rotate(c);
      chunk.push(Ev.SWITCH, t, c, next, 0, 0, -1, 0);
      if (this.task[TASK_FIELDS * next + T_HOLDING] === 1)
        this.times[CPU_FIELDS * c + BUSY_END] = t + this.task[TASK_FIELDS * next + T_REMAIN];
      else if (this.backlog[c]! > 0) {
        this.backlog[c]--;
        this.startAlloc(c, next, t, chunk);
      }
    }
    const n = this.n;
    if (n > 1 && w.migrateProbability > 0 && rq.count[c]! > 1 && rng.next(c) < w.migrateProbability) {
      const m = rq.next[this.cur[c]!]!; // a queued task, not the running one
      if (this.task[TASK_FIELDS * m + T_HOLDING] === 0) {
        const dest = (c + 1 + Math.floor(rng.next(c) * (n - 1))) % n;
        rq.migrate(m, c, dest);
        chunk.push(Ev.MIGRATE, t, c, m, dest, 0, -1, 0);
      }
    }
  }
}
