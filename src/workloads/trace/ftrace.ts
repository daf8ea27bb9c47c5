/**
 * ftrace text as the kernel's tracing writes it (`trace` or `trace_pipe`), turned into a
 * workload: mm_page_alloc lines of unmapped allocations become zeroing GET/PUT pairs on the CPU
 * of the line, mm_page_free lines of those pages become FREEs.
 *
 *   # tracer: nop                                                      header: skipped, counted
 *   kworker/3:1-123 [003] d..1. 5678.901234: mm_page_alloc: page=0000000012345678 pfn=0x12345 order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_ZERO
 *   bash-1977 (1977) [000] .... 5678.901300: mm_page_free: page=00000000abcdef01 pfn=0x12345 order=0
 *   <idle>-0 [001] d.h1. 5678.901400: irq_handler_entry: irq=24 name=eth0   other event: skipped, counted
 *   CPU:3 [LOST 12 EVENTS]                                              lost events: skipped, summed
 *
 * The TASK-PID column names the task (an optional "(TGID)" column names its process, else the
 * pid does; pid 0, the per-CPU idle task, is one task per CPU); [CPU] places the event; the
 * timestamp (seconds.fraction; a plain integer is taken as ns, as clock=counter prints) orders
 * it: lines are sorted by time, then by line number, and times start at 0 at the first used line;
 * `order` sizes it (0..10); the flags column (4 or 5 characters, or absent with irq-info off) is
 * not used. mm_page_free_batched counts as a free of order 0. A failed allocation (pfn -1) is
 * counted and not used.
 *
 * Which allocations are unmapped: those whose gfp_flags contain every flag of `gfpFilter`
 * ("A|B"; "*" = all), and, if `unmappedFraction` is set, of those a seeded random share (drawn in
 * line order, so the choice does not depend on how the file is read).
 *
 * Zeroing (facts §6.1): init_on_alloc, every unmapped allocation is zeroed at allocation;
 * gfp_zero, only those with __GFP_ZERO; init_on_free, zeroing happens at the free, right before
 * the FREE. A zeroing is GET (ZEROING) at the line's time, PUT pages * cycles / GHz later; the
 * PUT comes earlier if the same CPU or task has its next used line sooner, or the pages are freed
 * sooner (a trace cannot show preemption inside a zeroing, so one never nests on a CPU). The
 * zeroing really ends before the mm_page_alloc tracepoint fires; placing it just after the
 * timestamp shifts it by at most the zeroing time and keeps the stream in time order.
 * A task seen on a new CPU gets a MIGRATE (from its last CPU) before the SWITCH to it.
 * A free only counts for pages whose allocation was seen and chosen as unmapped (matched by pfn).
 *
 * Malformed lines are an error `file:line: message` (TraceError, exit status 2) or, lenient,
 * skipped and counted with the first messages kept. A CPU at or above machine.onlineCpus is
 * always an error.
 */
import { InputError } from '../../config/errors.js';
import {
  EV_FREE,
  EV_GET,
  EV_MIGRATE,
  EV_PUT,
  EV_SWITCH,
  FLAG_ZEROING,
  type EventChunk,
  type EventSource,
  type WorkloadTopology,
} from '../events.js';
import { createUniform, type Seed, type Uniform } from '../rng.js';
import { CpuHeap } from '../sched/cpu-heap.js';
import { forEachLine, forEachLineOfText, forEachLineSync } from './lines.js';

export class TraceError extends InputError {
  constructor(
    file: string,
    line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`, { file, line });
    this.name = 'TraceError';
  }
}

export interface FtraceParseOptions {
  /** Name used in messages. Default "trace". */
  file?: string;
  /** Default "__GFP_UNMAPPED". */
  gfpFilter?: string;
  unmappedFraction?: number | undefined;
  /** Seed of the fraction's draws. Default 1. */
  seed?: Seed;
  lenient?: boolean;
  /** CPUs of the machine: an alloc/free line on a higher CPU is an error. Default: no check. */
  onlineCpus?: number;
}

export interface FtraceSummary {
  /** every line read */
  lines: number;
  /** '#' comment/header lines and blank lines */
  skippedHeader: number;
  /** lines of other events and "[LOST n EVENTS]" lines */
  skippedOther: number;
  /** malformed lines skipped (lenient) */
  malformed: number;
  /** mm_page_alloc lines (lines = skippedHeader + skippedOther + malformed + allocs + frees) */
  allocs: number;
  /** mm_page_free and mm_page_free_batched lines */
  frees: number;
  /** allocations that failed (pfn -1) */
  failedAllocs: number;
  /** allocations chosen as unmapped */
  unmappedAllocs: number;
  /** frees of pages allocated unmapped earlier in the trace */
  unmappedFrees: number;
  /** lines that became events: unmappedAllocs + unmappedFrees */
  used: number;
  /** sum of the n of "[LOST n EVENTS]" lines */
  lostEvents: number;
  /** the first few malformed-line messages (lenient) */
  malformedExamples: string[];
  /** timestamp of the first alloc/free line, ns (stream times are relative to it) */
  firstTimestampNs: number;
}

const KIND_ALLOC = 1;
const KIND_FREE = 2;
const SEL_UNMAPPED = 1;
const SEL_GFP_ZERO = 2;
const MAX_EXAMPLES = 5;
/** The prefix every event line has: TASK-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: */
const PREFIX_RE = /^\s*(.+?)-(\d+)\s+(?:\(\s*(\d+|-+)\s*\)\s+)?\[(\d+)\]\s+(?:(\S{4,5})\s+)?(\d+)(?:\.(\d+))?:\s+(.*)$/;
const EVENT_RE = /^([A-Za-z0-9_]+): ?(.*)$/;
const LOST_RE = /^CPU:(\d+) \[LOST (\d+) EVENTS\]$/;
const MALFORMED = 'malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"';

function field(body: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)${name}=(\\S+)`);
  const m = re.exec(body);
  return m ? m[1] : undefined;
}

/** pfn text -> pfn, -1 for a failed allocation, NaN if not a number */
function parsePfn(s: string): number {
  const lower = s.toLowerCase();
  if (lower === '0xffffffffffffffff' || lower === '18446744073709551615' || lower === '-1') return -1;
  if (/^0x[0-9a-f]{1,13}$/.test(lower)) return parseInt(lower.slice(2), 16);
  if (/^[0-9]{1,15}$/.test(lower)) return parseInt(lower, 10);
  return NaN;
}

/** Growable columns of the alloc/free lines. */
class Records {
  n = 0;
  time = new Float64Array(1024);
  line = new Float64Array(1024);
  cpu = new Int32Array(1024);
  task = new Int32Array(1024);
  kind = new Uint8Array(1024);
  sel = new Uint8Array(1024);
  order = new Int8Array(1024);
  pfn = new Float64Array(1024);

  push(
    time: number,
    line: number,
    cpu: number,
    task: number,
    kind: number,
    sel: number,
    order: number,
    pfn: number,
  ): void {
    if (this.n === this.time.length) this.grow();
    const i = this.n++;
    this.time[i] = time;
    this.line[i] = line;
    this.cpu[i] = cpu;
    this.task[i] = task;
    this.kind[i] = kind;
    this.sel[i] = sel;
    this.order[i] = order;
    this.pfn[i] = pfn;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const g = <T extends Float64Array | Int32Array | Uint8Array | Int8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.time = g(this.time, (k) => new Float64Array(k));
    this.line = g(this.line, (k) => new Float64Array(k));
    this.cpu = g(this.cpu, (k) => new Int32Array(k));
    this.task = g(this.task, (k) => new Int32Array(k));
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.sel = g(this.sel, (k) => new Uint8Array(k));
    this.order = g(this.order, (k) => new Int8Array(k));
    this.pfn = g(this.pfn, (k) => new Float64Array(k));
  }
}

/** A parsed trace: the alloc/free lines in time order, their tasks, and the summary. */
export interface FtraceTrace {
  readonly file: string;
  readonly summary: FtraceSummary;
  /** number of alloc/free records */
  readonly count: number;
  /** columns, in time order; time relative to summary.firstTimestampNs */
  readonly time: Float64Array;
  readonly line: Float64Array;
  readonly cpu: Int32Array;
  readonly task: Int32Array;
  /** 1 alloc, 2 free */
  readonly kind: Uint8Array;
  /** allocs: bit 0 unmapped, bit 1 __GFP_ZERO; frees: bit 0 frees unmapped pages */
  readonly sel: Uint8Array;
  readonly order: Int8Array;
  readonly pfn: Float64Array;
  /** frees of unmapped pages: the record of their allocation; -1 otherwise */
  readonly match: Int32Array;
  /** per task: its mm, and a label "comm-pid" */
  readonly taskMm: Int32Array;
  readonly taskLabel: readonly string[];
  readonly mms: number;
}

/** Streaming parser: feed lines in order, then finish(). */
export class FtraceParser {
  private readonly file: string;
  private readonly filterFlags: string[] | null;
  private readonly fraction: number | undefined;
  private readonly u: Uniform;
  private readonly lenient: boolean;
  private readonly onlineCpus: number;
  private lineNo = 0;
  private readonly rec = new Records();
  private readonly taskIndex = new Map<number, number>();
  private readonly taskMmList: number[] = [];
  private readonly labels: string[] = [];
  private readonly mmIndex = new Map<number, number>();
  private readonly summary: FtraceSummary = {
    lines: 0,
    skippedHeader: 0,
    skippedOther: 0,
    malformed: 0,
    allocs: 0,
    frees: 0,
    failedAllocs: 0,
    unmappedAllocs: 0,
    unmappedFrees: 0,
    used: 0,
    lostEvents: 0,
    malformedExamples: [],
    firstTimestampNs: 0,
  };

  constructor(opts: FtraceParseOptions = {}) {
    this.file = opts.file ?? 'trace';
    const filter = opts.gfpFilter ?? '__GFP_UNMAPPED';
    this.filterFlags = filter === '*' ? null : filter.split('|').filter((f) => f !== '');
    this.fraction = opts.unmappedFraction;
    this.u = createUniform(opts.seed ?? 1, 'ftrace', 'unmapped');
    this.lenient = opts.lenient ?? false;
    this.onlineCpus = opts.onlineCpus ?? Infinity;
  }

  private malformed(msg: string): void {
    if (!this.lenient) throw new TraceError(this.file, this.lineNo, msg);
    this.summary.malformed++;
    if (this.summary.malformedExamples.length < MAX_EXAMPLES)
      this.summary.malformedExamples.push(`${this.file}:${this.lineNo}: ${msg}`);
  }

  private taskOf(comm: string, pid: number, tgid: number, cpu: number): number {
    // pid 0 is the idle task of each CPU
    const key = pid === 0 ? -(cpu + 1) : pid;
    let t = this.taskIndex.get(key);
    if (t === undefined) {
      t = this.labels.length;
      this.taskIndex.set(key, t);
      const mmKey = pid === 0 ? key : tgid > 0 ? tgid : pid;
      let mm = this.mmIndex.get(mmKey);
      if (mm === undefined) {
        mm = this.mmIndex.size;
        this.mmIndex.set(mmKey, mm);
      }
      this.taskMmList.push(mm);
      this.labels.push(`${comm}-${pid}`);
    }
    return t;
  }

  pushLine(raw: string): void {
    this.lineNo++;
    const s = this.summary;
    s.lines++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      s.skippedHeader++;
      return;
    }
    const lost = LOST_RE.exec(trimmed);
    if (lost) {
      s.skippedOther++;
      s.lostEvents += Number(lost[2]);
      return;
    }
    const m = PREFIX_RE.exec(line);
    if (!m) return this.malformed(MALFORMED);
    const ev = EVENT_RE.exec(m[8]!);
    if (!ev) {
      s.skippedOther++; // e.g. a function-tracer line "func <-parent"
      return;
    }
    const name = ev[1]!;
    const isAlloc = name === 'mm_page_alloc';
    const isFree = name === 'mm_page_free' || name === 'mm_page_free_batched';
    if (!isAlloc && !isFree) {
      s.skippedOther++;
      return;
    }
    const body = ev[2]!;
    const pfnText = field(body, 'pfn');
    if (pfnText === undefined) return this.malformed(`${name}: missing pfn=`);
    const pfn = parsePfn(pfnText);
    if (Number.isNaN(pfn)) return this.malformed(`${name}: pfn=${pfnText} is not a page frame number`);
    const orderText = field(body, 'order') ?? (name === 'mm_page_free_batched' ? '0' : undefined);
    if (orderText === undefined) return this.malformed(`${name}: missing order=`);
    if (!/^\d+$/.test(orderText) || Number(orderText) > 10) {
      return this.malformed(`${name}: order=${orderText} is not an order in 0..10`);
    }
    const order = Number(orderText);
    let gfp: string[] = [];
    if (isAlloc) {
      const g = field(body, 'gfp_flags');
      if (g === undefined) return this.malformed(`${name}: missing gfp_flags=`);
      // "GFP_KERNEL|__GFP_ZERO", or "0xcc0(GFP_KERNEL)" in some kernels
      const inner = /^0x[0-9a-fA-F]+\((.*)\)$/.exec(g);
      gfp = (inner ? inner[1]! : g).split('|');
    }
    const cpu = Number(m[4]);
    if (cpu >= this.onlineCpus) {
      throw new TraceError(
        this.file,
        this.lineNo,
        `cpu ${cpu} is not online (machine.onlineCpus is ${this.onlineCpus})`,
      );
    }
    const frac = m[7];
    const time = frac === undefined ? Number(m[6]) : Number(m[6]) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
    const pid = Number(m[2]);
    const tgid = m[3] !== undefined && /^\d+$/.test(m[3]) ? Number(m[3]) : 0;
    const task = this.taskOf(m[1]!.trim(), pid, tgid, cpu);
    if (isFree) {
      s.frees++;
      this.rec.push(time, this.lineNo, cpu, task, KIND_FREE, 0, order, pfn);
      return;
    }
    s.allocs++;
    if (pfn < 0) {
      s.failedAllocs++;
      return;
    }
    let sel = 0;
    const filter = this.filterFlags;
    let pass = true;
    if (filter !== null) for (const f of filter) if (!gfp.includes(f)) pass = false;
    if (pass && (this.fraction === undefined || this.u() < this.fraction)) sel |= SEL_UNMAPPED;
    if (gfp.includes('__GFP_ZERO')) sel |= SEL_GFP_ZERO;
    this.rec.push(time, this.lineNo, cpu, task, KIND_ALLOC, sel, order, pfn);
  }

  /** Sort by time, match frees to unmapped allocations, and return the trace. */
  finish(): FtraceTrace {
    const r = this.rec;
    const n = r.n;
    // stable order by (time, line): skip the sort when the file is already in order
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (r.time[i]! < r.time[i - 1]!) sorted = false;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    if (!sorted) idx.sort((a, b) => r.time[a]! - r.time[b]! || r.line[a]! - r.line[b]!);
    const take = <T extends Float64Array | Int32Array | Uint8Array | Int8Array>(src: T, make: (k: number) => T): T => {
      const out = make(n);
      for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
      return out;
    };
    const time = take(r.time, (k) => new Float64Array(k));
    const first = n > 0 ? time[0]! : 0;
    for (let i = 0; i < n; i++) time[i] = time[i]! - first;
    const kind = take(r.kind, (k) => new Uint8Array(k));
    const sel = take(r.sel, (k) => new Uint8Array(k));
    const order = take(r.order, (k) => new Int8Array(k));
    const pfn = take(r.pfn, (k) => new Float64Array(k));
    // frees of unmapped pages: the allocation must come first in time
    const live = new Map<number, number>(); // pfn -> index of its unmapped allocation
    const match = new Int32Array(n).fill(-1);
    const s = this.summary;
    for (let i = 0; i < n; i++) {
      if (kind[i] === KIND_ALLOC) {
        if (sel[i]! & SEL_UNMAPPED) {
          live.set(pfn[i]!, i);
          s.unmappedAllocs++;
        }
      } else {
        const a = live.get(pfn[i]!);
        if (a !== undefined) {
          live.delete(pfn[i]!);
          sel[i] = SEL_UNMAPPED;
          match[i] = a;
          s.unmappedFrees++;
        }
      }
    }
    s.used = s.unmappedAllocs + s.unmappedFrees;
    s.firstTimestampNs = first;
    return {
      file: this.file,
      summary: s,
      count: n,
      time,
      line: take(r.line, (k) => new Float64Array(k)),
      cpu: take(r.cpu, (k) => new Int32Array(k)),
      task: take(r.task, (k) => new Int32Array(k)),
      kind,
      sel,
      order,
      pfn,
      match,
      taskMm: Int32Array.from(this.taskMmList),
      taskLabel: this.labels,
      mms: this.mmIndex.size,
    };
  }
}

export function parseFtraceText(text: string, opts: FtraceParseOptions = {}): FtraceTrace {
  const p = new FtraceParser(opts);
  forEachLineOfText(text, (l) => p.pushLine(l));
  return p.finish();
}

/** Parse a trace file, streaming it in chunks without awaiting. */
export function parseFtraceFileSync(path: string, opts: FtraceParseOptions = {}): FtraceTrace {
  const p = new FtraceParser({ file: path, ...opts });
  forEachLineSync(path, (l) => p.pushLine(l));
  return p.finish();
}

/** Parse a trace file through readline. */
export async function parseFtraceFile(path: string, opts: FtraceParseOptions = {}): Promise<FtraceTrace> {
  const p = new FtraceParser({ file: path, ...opts });
  await forEachLine(path, (l) => p.pushLine(l));
  return p.finish();
}

export interface FtraceSourceOptions {
  initMode: 'init_on_alloc' | 'init_on_free' | 'gfp_zero';
  zeroCyclesPerPage: number;
  cpuGhz: number;
  onlineCpus: number;
  /** Stop before events later than this (ns). Default: never. */
  endTimeNs?: number;
}

/** Most events one record can emit: 3 truncated zeroings (PUT + FREE each), MIGRATE, SWITCH, GET or FREE. */
const MAX_STEP = 10;

/** A parsed trace as a workload (see the file comment). */
export class FtraceSource implements EventSource {
  readonly topology: WorkloadTopology;
  readonly summary: FtraceSummary;
  private readonly tr: FtraceTrace;
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
  /** per CPU: the record whose zeroing is pending (-1 none) */
  private readonly pRec: Int32Array;
  private next = 0;
  private nextAllocId = 0;
  private done = false;

  constructor(trace: FtraceTrace, opts: FtraceSourceOptions) {
    this.tr = trace;
    this.summary = trace.summary;
    this.nsPerPage = opts.zeroCyclesPerPage / opts.cpuGhz;
    this.zeroAtAlloc = opts.initMode === 'init_on_alloc' ? 1 : opts.initMode === 'gfp_zero' ? 2 : 0;
    this.zeroAtFree = opts.initMode === 'init_on_free';
    this.endTimeNs = opts.endTimeNs ?? Infinity;
    const n = opts.onlineCpus;
    const tasks = trace.taskMm.length;
    // where each task starts: the CPU of its first zeroing (0 for tasks that never run one)
    const taskStart = new Int32Array(tasks).fill(-1);
    for (let i = 0; i < trace.count; i++) {
      const k = trace.task[i]!;
      if (taskStart[k] === -1 && this.zeroes(i)) taskStart[k] = trace.cpu[i]!;
    }
    for (let k = 0; k < tasks; k++) if (taskStart[k] === -1) taskStart[k] = 0;
    this.topology = { taskMm: trace.taskMm, taskCpu: taskStart, mms: trace.mms };
    this.heap = new CpuHeap(n);
    this.cur = new Int32Array(n).fill(-1);
    this.pId = new Float64Array(n);
    this.pTask = new Int32Array(n);
    this.pPfn = new Float64Array(n);
    this.pPages = new Float64Array(n);
    this.pFree = new Uint8Array(n);
    this.taskCpu = new Int32Array(tasks).fill(-1);
    this.taskPending = new Int32Array(tasks).fill(-1);
    this.pRec = new Int32Array(n).fill(-1);
  }

  /** Whether record i runs a zeroing (a GET/PUT on its CPU). */
  private zeroes(i: number): boolean {
    const sel = this.tr.sel[i]!;
    if ((sel & SEL_UNMAPPED) === 0) return false;
    if (this.tr.kind[i] === KIND_FREE) return this.zeroAtFree;
    return this.zeroAtAlloc === 1 || (this.zeroAtAlloc === 2 && (sel & SEL_GFP_ZERO) !== 0);
  }

  /** Emit CPU c's pending zeroing end (PUT, and FREE for init_on_free) at time t. */
  private flush(c: number, t: number, chunk: EventChunk): void {
    const k = this.pTask[c]!;
    const pfn = this.pPfn[c]!;
    const pages = this.pPages[c]!;
    chunk.push(EV_PUT, t, c, k, pages, this.pId[c]!, pfn, FLAG_ZEROING);
    if (this.pFree[c]) chunk.push(EV_FREE, t, -1, -1, pfn, pages, pfn, 0);
    this.taskPending[k] = -1;
    this.pRec[c] = -1;
    this.heap.set(c, Infinity);
  }

  fill(chunk: EventChunk): boolean {
    chunk.length = 0;
    if (this.done) return false;
    if (chunk.capacity < MAX_STEP) throw new RangeError(`EventChunk capacity must be >= ${MAX_STEP}`);
    const tr = this.tr;
    const heap = this.heap;
    const limit = chunk.capacity - MAX_STEP;
    while (chunk.length <= limit) {
      const i = this.next;
      const t = i < tr.count ? tr.time[i]! : Infinity;
      // zeroings that end before this record
      const pc = heap.top();
      const pt = heap.key[pc]!;
      if (pt <= t && pt !== Infinity) {
        if (pt > this.endTimeNs) break;
        this.flush(pc, pt, chunk);
        continue;
      }
      if (i >= tr.count || t > this.endTimeNs) break;
      this.next++;
      const c = tr.cpu[i]!;
      const k = tr.task[i]!;
      const isAlloc = tr.kind[i] === KIND_ALLOC;
      const sel = tr.sel[i]!;
      if ((sel & SEL_UNMAPPED) === 0) continue;
      const pfn = tr.pfn[i]!;
      const pages = 2 ** tr.order[i]!;
      // a zeroing cannot outlast the next line of its CPU or task, or the free of its pages
      if (heap.key[c]! !== Infinity) this.flush(c, t, chunk);
      const kp = this.taskPending[k]!;
      if (kp >= 0) this.flush(kp, t, chunk);
      if (!isAlloc) {
        // the zeroing of these pages at allocation, if it is still going on
        const a = tr.match[i]!;
        const ac = tr.cpu[a]!;
        if (this.pRec[ac] === a) this.flush(ac, t, chunk);
      }
      if (!this.zeroes(i)) {
        if (!isAlloc) chunk.push(EV_FREE, t, -1, -1, pfn, pages, pfn, 0);
        continue;
      }
      const from = this.taskCpu[k]!;
      if (from >= 0 && from !== c) {
        chunk.push(EV_MIGRATE, t, from, k, c, 0, -1, 0);
        if (this.cur[from] === k) this.cur[from] = -1;
      }
      this.taskCpu[k] = c;
      if (this.cur[c] !== k) {
        chunk.push(EV_SWITCH, t, c, k, 0, 0, -1, 0);
        this.cur[c] = k;
      }
      const id = this.nextAllocId++;
      chunk.push(EV_GET, t, c, k, pages, id, pfn, FLAG_ZEROING);
      this.pId[c] = id;
      this.pTask[c] = k;
      this.pPfn[c] = pfn;
      this.pPages[c] = pages;
      this.pFree[c] = isAlloc ? 0 : 1;
      this.taskPending[k] = c;
      this.pRec[c] = i;
      heap.set(c, t + Math.round(pages * this.nsPerPage));
    }
    if (chunk.length <= limit) this.done = true;
    return !this.done;
  }
}
