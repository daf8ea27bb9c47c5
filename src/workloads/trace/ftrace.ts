/**
 * A trace as a workload: unmapped allocations (trace/classify.ts) become zeroing GET/PUT pairs on
 * the CPU of their line, the frees of their pages become FREEs. The trace is read twice, line by
 * line (trace/scan.ts checks and counts, trace/cursor.ts streams in time order), so memory does
 * not grow with it. Stream times start at 0 at the first alloc/free line.
 *
 * Zeroing (facts §6.1): init_on_alloc, every unmapped allocation is zeroed at allocation;
 * gfp_zero, only those with __GFP_ZERO; init_on_free, zeroing happens at the free, right before
 * the FREE. A zeroing is GET (ZEROING) at the line's time, PUT pages * cycles / GHz later; the
 * PUT comes earlier if the same CPU or task has its next used line sooner, or the pages are freed
 * sooner (a trace cannot show preemption inside a zeroing, so one never nests on a CPU). The
 * zeroing really ends before the mm_page_alloc tracepoint fires; placing it just after the
 * timestamp shifts it by at most the zeroing time and keeps the stream in time order.
 * A task seen on a CPU other than its last (or its start) gets a MIGRATE before the SWITCH.
 * A free only counts for pages whose allocation was seen and chosen as unmapped (matched by pfn).
 * Under init_on_free, such a free without mermap_ready() (irq context, kernel thread, idle)
 * reaches clear_page_mermap, whose both paths fail, and RFC v1 dereferences NULL (facts §8.8):
 * it is counted (unreadyFreeZeroings) and only its FREE is emitted.
 *
 * A process (mm) exits after its last line: once the stream has passed the last alloc/free line
 * of its tasks (the scan counts them) and their last zeroing's PUT, it emits EXIT for the mm, and
 * the Machine frees the page tables and stamps the process mapped with (events.ts). A trace of a
 * kernel build has a hundred thousand processes but few alive at once.
 */
import { startFill, Ev, EvFlag } from '../events.js';
import type { EventChunk, EventSource, WorkloadTopology } from '../events.js';
import { CpuHeap } from '../sched/cpu-heap.js';
import { A_UNMAPPED } from './classify.js';
import { type OpenTrace, TraceMerge } from './cursor.js';
import { LineReader } from './lines.js';
import { type FtraceSummary, type InitMode, scanTrace, type TraceScan, type TraceScanOptions } from './scan.js';
import type { TraceFormat } from './line-format.js';
import { traceCpuCount } from './checks.js';

export { TraceError, TraceSelectionError, isKernelThread } from './classify.js';
export { checkSelection, traceCpuCount } from './checks.js';
export {
  scanTrace,
  type FtraceSummary,
  type TraceScan,
  type TraceScanOptions,
} from './scan.js';
export { TRACE_FORMATS, type TraceFormat } from './line-format.js';

/** A trace to read: a file, or a text (tests, notebooks). */
export type TraceInput = { path: string } | { text: string | Buffer };

export function openerOf(input: TraceInput): OpenTrace {
  if ('path' in input) return (range, block) => LineReader.open(input.path, range, block);
  const data = typeof input.text === 'string' ? Buffer.from(input.text, 'utf8') : input.text;
  return (range) => LineReader.ofText(data, range);
}

/** The first pass over a trace (see scan.ts). */
export function scanTraceInput(input: TraceInput, opts: TraceScanOptions = {}): TraceScan {
  return scanTrace(openerOf(input), { file: 'path' in input ? input.path : 'trace', ...opts });
}

/** The CPUs a trace needs (its header's possible CPUs, else its highest CPU + 1). */
export function traceCpus(input: TraceInput, format: TraceFormat | 'auto' = 'auto'): number {
  return traceCpuCount(openerOf(input), format);
}

export interface FtraceSourceOptions {
  initMode: InitMode;
  zeroCyclesPerPage: number;
  cpuGhz: number;
  onlineCpus: number;
  /** Stop before events later than this (ns). Default: never. */
  endTimeNs?: number;
  /** called every 64 fills with the bytes the stream has read and will read in all */
  onProgress?: ((bytesRead: number, bytesTotal: number) => void) | undefined;
}

/**
 * Most events one record can emit: 3 truncated zeroings (PUT + FREE + another process's EXIT
 * each), MIGRATE, SWITCH, GET or FREE, and its own process's EXIT.
 */
const MAX_STEP = 14;

/** A scanned trace as a workload (see the file comment). */
export class FtraceSource implements EventSource {
  readonly topology: WorkloadTopology;
  readonly summary: FtraceSummary;
  private readonly merge: TraceMerge;
  private readonly nsPerPage: number;
  private readonly zeroAtAlloc: number; // 0 none, 1 all, 2 __GFP_ZERO only
  private readonly zeroAtFree: boolean;
  private readonly endTimeNs: number;
  private readonly heap: CpuHeap; // pending PUT per CPU, keyed by its time
  private readonly cur: Int32Array;
  private readonly pId: Float64Array;
  private readonly pTask: Int32Array;
  private readonly pPfn: Float64Array;
  private readonly pPages: Float64Array;
  private readonly pFree: Uint8Array;
  private readonly taskCpu: Int32Array;
  private readonly taskPending: Int32Array;
  private readonly taskMm: Int32Array;
  /** per mm: its tasks' lines not read yet, and their zeroings not ended yet (PUT pending) */
  private readonly mmLinesLeft: Int32Array;
  private readonly mmPending: Int32Array;
  /** the mm of the line being applied: its EXIT waits for the line's own events */
  private lineMm = -1;
  /** pfn of a live unmapped allocation -> its allocId (-1 if it ran no zeroing) and CPU */
  private readonly liveId = new Map<number, number>();
  private readonly liveCpu = new Map<number, number>();
  private nextAllocId = 0;
  private done = false;
  private fills = 0;
  private readonly onProgress: ((bytesRead: number, bytesTotal: number) => void) | undefined;

  constructor(input: TraceInput | OpenTrace, scan: TraceScan, opts: FtraceSourceOptions) {
    this.summary = scan.summary;
    this.merge = new TraceMerge(typeof input === 'function' ? input : openerOf(input), scan);
    this.nsPerPage = opts.zeroCyclesPerPage / opts.cpuGhz;
    this.zeroAtAlloc = opts.initMode === 'init_on_alloc' ? 1 : opts.initMode === 'gfp_zero' ? 2 : 0;
    this.zeroAtFree = opts.initMode === 'init_on_free';
    this.endTimeNs = opts.endTimeNs ?? Infinity;
    this.onProgress = opts.onProgress;
    const n = opts.onlineCpus;
    const tasks = scan.taskMm.length;
    this.topology = { taskMm: scan.taskMm, taskCpu: scan.taskCpu, mms: scan.mms };
    this.heap = new CpuHeap(n);
    this.cur = new Int32Array(n).fill(-1);
    this.pId = new Float64Array(n).fill(-1);
    this.pTask = new Int32Array(n);
    this.pPfn = new Float64Array(n);
    this.pPages = new Float64Array(n);
    this.pFree = new Uint8Array(n);
    this.taskCpu = Int32Array.from(scan.taskCpu);
    this.taskPending = new Int32Array(tasks).fill(-1);
    this.taskMm = scan.taskMm;
    this.mmLinesLeft = Int32Array.from(scan.mmLines);
    this.mmPending = new Int32Array(scan.mms);
  }

  /** EXIT of mm at time t if nothing of it is left: no line to read, no zeroing to end. */
  private exitIfDone(mm: number, t: number, chunk: EventChunk): void {
    if (this.mmLinesLeft[mm] === 0 && this.mmPending[mm] === 0 && mm !== this.lineMm) {
      chunk.push(Ev.EXIT, t, -1, -1, mm, 0, -1, 0);
    }
  }

  /** Emit CPU c's pending zeroing end (PUT, and FREE for init_on_free) at time t. */
  private flush(c: number, t: number, chunk: EventChunk): void {
    const k = this.pTask[c]!;
    const pfn = this.pPfn[c]!;
    const pages = this.pPages[c]!;
    chunk.push(Ev.PUT, t, c, k, pages, this.pId[c]!, pfn, EvFlag.ZEROING);
    if (this.pFree[c]) chunk.push(Ev.FREE, t, -1, -1, pfn, pages, pfn, 0);
    this.taskPending[k] = -1;
    this.pId[c] = -1;
    this.heap.set(c, Infinity);
    const mm = this.taskMm[k]!;
    this.mmPending[mm]--;
    this.exitIfDone(mm, t, chunk);
  }

  fill(chunk: EventChunk): boolean {
    if (!startFill(chunk, this.done, MAX_STEP)) return false;
    const m = this.merge;
    if ((++this.fills & 63) === 0 && this.onProgress !== undefined) this.onProgress(m.bytesRead(), m.bytesTotal());
    const heap = this.heap;
    const limit = chunk.capacity - MAX_STEP;
    while (chunk.length <= limit) {
      const r = m.cur;
      const t = r !== null ? r.time : Infinity;
      // zeroings that end before this record
      const pc = heap.top();
      const pt = heap.key[pc]!;
      if (pt <= t && pt !== Infinity) {
        if (pt > this.endTimeNs) break;
        this.flush(pc, pt, chunk);
        continue;
      }
      if (r === null || t > this.endTimeNs) break;
      const c = r.cpu;
      const k = r.task;
      const isAlloc = r.isAlloc;
      const pfn = r.pfn;
      const pages = 2 ** r.order;
      const zeroAtAlloc = this.zeroAtAlloc === 1 || (this.zeroAtAlloc === 2 && r.gfpZero);
      const outcome = r.outcome;
      m.next();
      const mm = k >= 0 ? this.taskMm[k]! : -1;
      if (mm >= 0) {
        // the scan counted every line the stream reads (the same classifier): an EXIT never
        // comes before a line of its process
        if (this.mmLinesLeft[mm]! <= 0) throw new Error(`trace stream: a line of process ${mm} after its last`);
        this.mmLinesLeft[mm]--;
      }
      this.lineMm = mm;
      this.line(c, k, t, isAlloc, pfn, pages, zeroAtAlloc, outcome, chunk);
      this.lineMm = -1;
      if (mm >= 0) this.exitIfDone(mm, t, chunk);
    }
    if (chunk.length <= limit) {
      this.done = true;
      this.merge.close();
    }
    return !this.done;
  }

  /** Apply one alloc/free line (see the file comment); its task k is -1 without an mm. */
  private line(
    c: number,
    k: number,
    t: number,
    isAlloc: boolean,
    pfn: number,
    pages: number,
    zeroAtAlloc: boolean,
    outcome: number,
    chunk: EventChunk,
  ): void {
    const heap = this.heap;
    const s = this.summary;
    let allocId = -1;
    if (isAlloc) {
      if (outcome !== A_UNMAPPED) return;
    } else {
      const id = this.liveId.get(pfn);
      if (id === undefined) return;
      allocId = id;
      this.liveId.delete(pfn);
      s.unmappedFrees++;
      s.used++;
    }
    // a zeroing cannot outlast the next line of its CPU or task, or the free of its pages
    if (heap.key[c]! !== Infinity) this.flush(c, t, chunk);
    if (k >= 0) {
      const kp = this.taskPending[k]!;
      if (kp >= 0) this.flush(kp, t, chunk);
    }
    if (!isAlloc) {
      const ac = this.liveCpu.get(pfn)!;
      this.liveCpu.delete(pfn);
      if (allocId >= 0 && this.pId[ac] === allocId) this.flush(ac, t, chunk);
    }
    const zeroes = isAlloc ? zeroAtAlloc : this.zeroAtFree;
    if (!zeroes || k < 0) {
      if (!isAlloc) {
        if (zeroes) s.unreadyFreeZeroings++;
        chunk.push(Ev.FREE, t, -1, -1, pfn, pages, pfn, 0);
      } else {
        this.liveId.set(pfn, -1);
        this.liveCpu.set(pfn, c);
      }
      return;
    }
    const from = this.taskCpu[k]!;
    if (from !== c) {
      chunk.push(Ev.MIGRATE, t, from, k, c, 0, -1, 0);
      if (this.cur[from] === k) this.cur[from] = -1;
    }
    this.taskCpu[k] = c;
    if (this.cur[c] !== k) {
      chunk.push(Ev.SWITCH, t, c, k, 0, 0, -1, 0);
      this.cur[c] = k;
    }
    const id = this.nextAllocId++;
    chunk.push(Ev.GET, t, c, k, pages, id, pfn, EvFlag.ZEROING);
    if (isAlloc) {
      this.liveId.set(pfn, id);
      this.liveCpu.set(pfn, c);
    }
    this.pId[c] = id;
    this.pTask[c] = k;
    this.pPfn[c] = pfn;
    this.pPages[c] = pages;
    this.pFree[c] = isAlloc ? 0 : 1;
    this.taskPending[k] = c;
    this.mmPending[this.taskMm[k]!]++;
    heap.set(c, t + Math.round(pages * this.nsPerPage));
  }
}

/** Scan a trace and make its workload in one step (tests, notebooks). */
export function traceSource(
  input: TraceInput,
  scanOpts: TraceScanOptions,
  opts: Omit<FtraceSourceOptions, 'initMode'> & { initMode?: InitMode },
): FtraceSource {
  const initMode = opts.initMode ?? scanOpts.initMode ?? 'init_on_alloc';
  const scan = scanTraceInput(input, { ...scanOpts, initMode });
  return new FtraceSource(input, scan, { ...opts, initMode });
}
