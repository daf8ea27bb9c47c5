/**
 * The second pass: the alloc/free lines of a scanned trace, in time order, read as a stream.
 *
 * The kernel writes one ring buffer per CPU, each in time order; `trace`, trace-cmd and perf
 * merge them, but a file can also hold them one after another (per_cpu/cpuN/trace files
 * concatenated). A file whose lines are in time order is read once, front to back. Otherwise
 * each CPU gets its own reader over its byte range (found by the scan) and the CPU streams are
 * merged by (time, line number): the same order as a stable sort of the whole file by time,
 * with memory that does not grow with the trace.
 */
import { A_UNMAPPED, TraceClassifier } from './classify.js';
import { L_ALLOC, L_FREE } from './line-format.js';
import type { LineRange, LineReader } from './lines.js';
import { type TraceScan, taskKey } from './scan.js';

/** Read block of each per-CPU reader: many CPUs must not each hold 1 MiB. */
const CPU_BLOCK = 64 << 10;

export type OpenTrace = (range?: Partial<LineRange>, blockBytes?: number) => LineReader;

/** One reader and its current record (an alloc/free line of its CPU, or none at the end). */
class Cursor {
  done = false;
  time = 0;
  line = 0;
  cpu = 0;
  /** task index, -1 without an mm */
  task = -1;
  isAlloc = false;
  /** alloc: A_* outcome */
  outcome = 0;
  gfpZero = false;
  /** task context with an mm */
  ready = false;
  order = 0;
  pfn = 0;
  private readonly c: TraceClassifier;

  constructor(
    private readonly reader: LineReader,
    private readonly onlyCpu: number,
    private readonly scan: TraceScan,
    private readonly rangeStart = 0,
    private readonly rangeBytes = 0,
  ) {
    // lines were checked by the scan: skip what it skipped, throw nothing new
    this.c = new TraceClassifier({ ...scan.classify, lenient: true, onlineCpus: Infinity });
    this.advance();
  }

  advance(): void {
    const c = this.c;
    const l = c.line;
    for (let text = this.reader.next(); text !== null; text = this.reader.next()) {
      const kind = c.classify(text, this.reader.lineNo);
      if (kind !== L_ALLOC && kind !== L_FREE) continue;
      if (this.onlyCpu >= 0 && l.cpu !== this.onlyCpu) continue;
      this.time = l.timeNs - this.scan.summary.firstTimestampNs;
      this.line = this.reader.lineNo;
      this.cpu = l.cpu;
      this.ready = c.ready;
      this.task = c.ready ? (this.scan.taskIndex.get(taskKey(l.pid, l.cpu)) ?? -1) : -1;
      this.isAlloc = kind === L_ALLOC;
      this.outcome = this.isAlloc ? c.outcome : 0;
      this.gfpZero = this.isAlloc && c.gfpZero;
      this.order = l.order;
      this.pfn = l.pfn;
      return;
    }
    this.done = true;
    this.reader.close();
  }

  get total(): number {
    return this.rangeBytes;
  }

  /** bytes of its range read so far */
  bytesRead(): number {
    return this.done ? this.rangeBytes : this.reader.endOffset - this.rangeStart;
  }

  close(): void {
    this.reader.close();
  }
}

/** The merged stream: `cur` is the next record, or null at the end. */
export class TraceMerge {
  cur: Cursor | null = null;
  private readonly cursors: Cursor[];

  constructor(open: OpenTrace, scan: TraceScan) {
    if (scan.sorted) this.cursors = [new Cursor(open(), -1, scan, 0, scan.bytes)];
    else {
      this.cursors = [];
      scan.ranges.forEach((r, cpu) => {
        if (r !== null) this.cursors.push(new Cursor(open(r, CPU_BLOCK), cpu, scan, r.start, r.end - r.start));
      });
    }
    this.pick();
  }

  /** Whether the next record is an unmapped allocation (the cursor's A_* outcome). */
  static unmapped(c: Cursor): boolean {
    return c.isAlloc && c.outcome === A_UNMAPPED;
  }

  private pick(): void {
    let best: Cursor | null = null;
    for (const c of this.cursors) {
      if (c.done) continue;
      if (best === null || c.time < best.time || (c.time === best.time && c.line < best.line)) best = c;
    }
    this.cur = best;
  }

  /** Move past the current record. */
  next(): void {
    this.cur?.advance();
    this.pick();
  }

  /** bytes read by all cursors: the whole file once read, when the file is sorted */
  bytesRead(): number {
    let b = 0;
    for (const c of this.cursors) b += c.bytesRead();
    return b;
  }

  /** bytes the cursors read in all */
  bytesTotal(): number {
    let b = 0;
    for (const c of this.cursors) b += c.total;
    return b;
  }

  close(): void {
    for (const c of this.cursors) c.close();
  }
}
