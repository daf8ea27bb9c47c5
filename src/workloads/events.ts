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
 *   kind   time(ns)   cpu   task   a            b
 *   GET    t          c     k      pages        allocId   (c: the CPU the task runs on)
 *   PUT    t          c     k      -            allocId
 *   FREE   t          -1    -1     pfn          pages     physical pages go back to the allocator
 *   SWITCH t          c     k      -            -         task k now runs on c (CR3 write if mm differs)
 *   MIGRATE t         c     k      toCpu        -         move k (refused while migrate-disabled)
 *   TOUCH  t          c     k      vpn          global?1:0 a data access (TLB pressure)
 *   RESERVED t        c     k      pfn          allocId   a reserved 1-page get (caller has IRQs off)
 *
 * GET carries the first pfn of the physically contiguous range in `pfn`.
 */
export const EV_GET = 1;
export const EV_PUT = 2;
export const EV_FREE = 3;
export const EV_SWITCH = 4;
export const EV_MIGRATE = 5;
export const EV_TOUCH = 6;
export const EV_RESERVED = 7;

export const EVENT_KIND_NAMES: Record<number, string> = {
  [EV_GET]: 'get',
  [EV_PUT]: 'put',
  [EV_FREE]: 'free',
  [EV_SWITCH]: 'switch',
  [EV_MIGRATE]: 'migrate',
  [EV_TOUCH]: 'touch',
  [EV_RESERVED]: 'reserved',
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

  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.kind = new Uint8Array(capacity);
    this.time = new Float64Array(capacity);
    this.cpu = new Int32Array(capacity);
    this.task = new Int32Array(capacity);
    this.a = new Float64Array(capacity);
    this.b = new Float64Array(capacity);
    this.pfn = new Float64Array(capacity);
  }

  /** Append one event; the caller checks `length < capacity` first. */
  push(kind: number, time: number, cpu: number, task: number, a: number, b: number, pfn: number): void {
    const i = this.length++;
    this.kind[i] = kind;
    this.time[i] = time;
    this.cpu[i] = cpu;
    this.task[i] = task;
    this.a[i] = a;
    this.b[i] = b;
    this.pfn[i] = pfn;
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
