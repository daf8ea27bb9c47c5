/**
 * The workload event stream: what a generator emits and the run driver applies to the Machine.
 *
 * Generators are pure functions of (config, seed): they never look at the Machine, so the same
 * config and seed give the same stream on any machine, and the stream can be hashed in tests.
 * Reactions to the Machine (a failed fast-path get falling back to reserved single-page maps,
 * a refused migration) are the driver's business, not the generator's.
 *
 * Events are written into an EventChunk: parallel typed arrays (struct of arrays), refilled in
 * place, so producing an event allocates nothing.
 *
 *   kind   time(ns)   cpu   task   a            b           pfn        flags
 *   GET    t          c     k      pages        allocId     first pfn  PROT_GLOBAL, ZEROING
 *   PUT    t          c     k      pages        allocId     first pfn  as its GET
 *   FREE   t          -1    -1     pfn          pages       pfn        -
 *   SWITCH t          c     k      -            -           -1         -   task k now runs on c (CR3 write if mm differs)
 *   MIGRATE t         c     k      toCpu        -           -1         -   move k (refused while migrate-disabled)
 *   TOUCH  t          c     k      vpn          global?1:0  -1         -   a data access (TLB pressure)
 *   RESERVED t        c     k      pfn          allocId     pfn        PROT_GLOBAL   a reserved 1-page get (IRQs off)
 *   EXIT   t          -1    -1     mm           -           -1         -   process mm is gone (exit_mmap)
 *
 * '-' columns hold 0. Times are whole nanoseconds, non-decreasing along the stream; events with
 * equal times apply in stream order. `c` is the CPU the task runs on in the generator's view.
 *
 * Contract between generators and the driver (the generator never sees the Machine):
 * - Every GET / RESERVED is matched later by exactly one PUT with the same allocId, from the same
 *   task on the same CPU, unless the stream is cut short by `length` (the driver then reports or
 *   puts what is still live). allocIds are unique per run.
 * - A GET flagged ZEROING is clear_page_mermap()'s fast path (facts §6.1). If the Machine fails
 *   it, the driver runs the slow path at once, in the same instant: for i in 0..pages-1, a reserved
 *   1-page get of pfn+i (IRQs off, so nothing else on that CPU interleaves), then its put; and
 *   treats the matching PUT of that allocId as a no-op. A GET without ZEROING (microbench, op
 *   scripts) has no fallback: a failure is counted and its PUT is a no-op.
 * - PROT_GLOBAL: the caller passes a prot with _PAGE_GLOBAL (op scripts' "prot":"global"); rfc-v1
 *   and later refuse it (facts §2.1 step 2).
 * - FREE: the physical pages [pfn, pfn+pages) go back to the page allocator. The mermap contract
 *   requires no stale translation of them to survive (facts §3); the checker uses this.
 * - SWITCH: the first event of every CPU that the stream uses is a SWITCH naming its current task.
 * - MIGRATE is emitted only for a task that, in the generator's view, holds no mapping and is not
 *   the current task of c. If the Machine refuses it (a leaked migrate-disable, facts §8.3), the
 *   task stays where it is and the driver runs its later events on the CPU it is really on. A
 *   MIGRATE of the current task (trace replay only) leaves c with its mm loaded (lazy TLB) until
 *   c's next SWITCH.
 * - TOUCH vpns are user pages of the task's mm (global = 0) or kernel global pages (global = 1).
 * - EXIT mm comes after the PUT of every GET and RESERVED of mm's tasks, and no task of mm has an
 *   event after it (a trace's process after its last line: trace/ftrace.ts). The Machine then
 *   frees what the mm mapped with (Machine.exitMm()), so a run's memory follows the processes
 *   alive at once, not every one it ever had. An EXIT is not an op: it takes no op index and is
 *   not counted in a run's events or in `length.events`, so a stream gives the same results with
 *   its EXITs as without them.
 */
/**
 * The event kinds (the `kind` column) and the flags column's bits, tested on every event by the
 * driver and the generators: const enums (docs/design.md, Habits). EV_GET and the other names
 * below are their public names.
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum Ev {
  GET = 1,
  PUT = 2,
  FREE = 3,
  SWITCH = 4,
  MIGRATE = 5,
  TOUCH = 6,
  RESERVED = 7,
  EXIT = 8,
}
// biome-ignore lint/suspicious/noConstEnum: as Ev
export const enum EvFlag {
  /** the caller passes a prot with _PAGE_GLOBAL */
  PROT_GLOBAL = 1,
  /** GET of clear_page_mermap's fast path: on failure the driver runs the reserved slow path. */
  ZEROING = 2,
}

export const EV_GET = Ev.GET;
export const EV_PUT = Ev.PUT;
export const EV_FREE = Ev.FREE;
export const EV_SWITCH = Ev.SWITCH;
export const EV_MIGRATE = Ev.MIGRATE;
export const EV_TOUCH = Ev.TOUCH;
export const EV_RESERVED = Ev.RESERVED;
export const EV_EXIT = Ev.EXIT;
export const FLAG_PROT_GLOBAL = EvFlag.PROT_GLOBAL;
export const FLAG_ZEROING = EvFlag.ZEROING;

export const EVENT_KIND_NAMES: Record<number, string> = {
  [Ev.GET]: 'get',
  [Ev.PUT]: 'put',
  [Ev.FREE]: 'free',
  [Ev.SWITCH]: 'switch',
  [Ev.MIGRATE]: 'migrate',
  [Ev.TOUCH]: 'touch',
  [Ev.RESERVED]: 'reserved',
  [Ev.EXIT]: 'exit',
};

export class EventChunk {
  readonly capacity: number;
  length = 0;
  readonly kind: Uint8Array;
  readonly time: Float64Array;
  readonly cpu: Int32Array;
  readonly task: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly pfn: Float64Array;
  readonly flags: Uint8Array;

  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.kind = new Uint8Array(capacity);
    this.time = new Float64Array(capacity);
    this.cpu = new Int32Array(capacity);
    this.task = new Int32Array(capacity);
    this.a = new Float64Array(capacity);
    this.b = new Float64Array(capacity);
    this.pfn = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  /** Append one event; the caller checks `length < capacity` first. */
  push(kind: number, time: number, cpu: number, task: number, a: number, b: number, pfn: number, flags = 0): void {
    const i = this.length++;
    this.kind[i] = kind;
    this.time[i] = time;
    this.cpu[i] = cpu;
    this.task[i] = task;
    this.a[i] = a;
    this.b[i] = b;
    this.pfn[i] = pfn;
    this.flags[i] = flags;
  }
}

/** Static description of the tasks (threads) and mms a workload uses, known before the stream. */
export interface WorkloadTopology {
  /** mm index of each task */
  readonly taskMm: Int32Array;
  /** CPU each task starts on */
  readonly taskCpu: Int32Array;
  readonly mms: number;
}

/**
 * A generator: fills `chunk` (from length 0) with the next events in time order and returns
 * false once the stream is over (the chunk may still hold the final events).
 */
export interface EventSource {
  readonly topology: WorkloadTopology;
  fill(chunk: EventChunk): boolean;
}

/**
 * The start of every generator's fill(): empty `chunk`; false once the source is `done`; a chunk
 * with room for less than one step of `maxStep` events is refused (a RangeError, a caller's bug).
 */
export function startFill(chunk: EventChunk, done: boolean, maxStep: number): boolean {
  chunk.length = 0;
  if (done) return false;
  if (chunk.capacity < maxStep) throw new RangeError(`EventChunk capacity must be >= ${maxStep}`);
  return true;
}
