/**
 * The first pass over a trace: every line is read and checked once (so a bad line stops the run
 * before anything is simulated or written), and what the stream needs before it starts is
 * gathered in memory that does not grow with the trace: the counts, the tasks and their mms,
 * each CPU's byte range, and whether the file is already in time order.
 *
 * Tasks: one per pid (pid 0, the idle task, is one per CPU). With a TGID column (ftrace's
 * record-tgid option, perf's pid/tid) threads of one process share one mm; without it each pid
 * is its own mm (mmsBy "pid"). Kernel threads and the idle task have no mm and are no task of
 * the simulation: their allocations are refused (classify.ts).
 */
import type { Seed } from '../rng.js';
import {
  A_FAILED,
  A_NOT_SELECTED,
  A_REFUSED_NO_MM,
  A_REFUSED_NOT_TASK,
  A_UNMAPPED,
  type ClassifyOptions,
  TraceClassifier,
} from './classify.js';
import { detectFormat, L_ALLOC, L_FREE, L_HEADER, L_LOST, L_MALFORMED, type TraceFormat } from './line-format.js';
import type { LineRange, LineReader } from './lines.js';

export type InitMode = 'init_on_alloc' | 'init_on_free' | 'gfp_zero';

export interface FtraceSummary {
  format: TraceFormat;
  /** every line read */
  lines: number;
  /** comments, headers, blank lines, perf callchain lines */
  skippedHeader: number;
  /** lines of other events and lost-event lines */
  skippedOther: number;
  /** malformed lines skipped (lenient) */
  malformed: number;
  /** mm_page_alloc lines (lines = skippedHeader + skippedOther + malformed + allocs + frees) */
  allocs: number;
  /** mm_page_free and mm_page_free_batched lines */
  frees: number;
  /** allocations that failed in the trace (pfn -1) */
  failedAllocs: number;
  /** allocations matching the gfp filter and the sample */
  selected: number;
  /** selected, but not in task context (hardirq, softirq, NMI): prepare_alloc_pages fails them */
  refusedNotInTask: number;
  /** selected, but from a kernel thread or the idle task (no mm): prepare_alloc_pages fails them */
  refusedNoMm: number;
  /** selected with mermap_ready(): these reach the mermap */
  unmappedAllocs: number;
  /** frees of pages of those allocations (counted as the stream runs) */
  unmappedFrees: number;
  /** init_on_free: frees of unmapped pages without mermap_ready(); RFC v1 oopses (facts §8.8) */
  unreadyFreeZeroings: number;
  /** unmappedAllocs + unmappedFrees */
  used: number;
  /** sum of the n of lost-event lines */
  lostEvents: number;
  /** the first few malformed-line messages (lenient) */
  malformedExamples: string[];
  /** timestamp of the first alloc/free line, ns (stream times are relative to it) */
  firstTimestampNs: number;
  /** possible CPUs from the header (#P:N, cpus=N), null without one */
  possibleCpus: number | null;
  /** highest CPU of an alloc/free line + 1 */
  cpusSeen: number;
  /** some line had the irq-context flags column */
  irqInfo: boolean;
  /** how tasks were grouped into mms: by the TGID column, or one mm per pid */
  mmsBy: 'tgid' | 'pid';
}

export interface TraceScanOptions {
  file?: string;
  format?: TraceFormat | 'auto';
  /** Default "__GFP_UNMAPPED". */
  gfpFilter?: string;
  sample?: number | undefined;
  /** Default 1. */
  seed?: Seed;
  lenient?: boolean;
  /** Default: no check beyond the header's. */
  onlineCpus?: number;
  cpusSource?: string;
  /** where each task starts: the CPU of its first zeroing under this mode. Default init_on_alloc */
  initMode?: InitMode;
  /** called every 65,536 lines with the bytes read so far */
  onProgress?: ((bytes: number) => void) | undefined;
}

export interface TraceScan {
  readonly summary: FtraceSummary;
  readonly classify: ClassifyOptions;
  /** pid (or -(cpu+1) for the idle task) -> task index, for tasks with an mm */
  readonly taskIndex: Map<number, number>;
  readonly taskMm: Int32Array;
  readonly taskCpu: Int32Array;
  readonly taskLabel: readonly string[];
  readonly mms: number;
  /** alloc/free lines of each mm's tasks: the stream's EXIT of an mm follows its last (ftrace.ts) */
  readonly mmLines: Int32Array;
  /** alloc/free lines never go back in time along the file */
  readonly sorted: boolean;
  /** bytes of the trace */
  readonly bytes: number;
  /** per CPU with alloc/free lines: the byte range from its first to past its last such line */
  readonly ranges: Array<LineRange | null>;
}

const MAX_EXAMPLES = 5;
export const DETECT_LINES = 50;

export function taskKey(pid: number, cpu: number): number {
  return pid === 0 ? -(cpu + 1) : pid;
}

/** Read every line of `reader` (then close it); throws TraceError / TraceSelectionError. */
export function scanTrace(open: () => LineReader, opts: TraceScanOptions = {}): TraceScan {
  const file = opts.file ?? 'trace';
  let format: TraceFormat;
  if (opts.format === undefined || opts.format === 'auto') {
    const head: string[] = [];
    const r = open();
    try {
      for (let l = r.next(); l !== null && head.length < DETECT_LINES; l = r.next()) head.push(l);
    } finally {
      r.close();
    }
    format = detectFormat(head) ?? 'ftrace';
  } else format = opts.format;
  const classify: ClassifyOptions = {
    file,
    format,
    gfpFilter: opts.gfpFilter ?? '__GFP_UNMAPPED',
    sample: opts.sample,
    seed: opts.seed ?? 1,
    lenient: opts.lenient ?? false,
    onlineCpus: opts.onlineCpus ?? Infinity,
    cpusSource: opts.cpusSource ?? '--cpus or machine.onlineCpus',
  };
  const c = new TraceClassifier(classify);
  const l = c.line;
  const s: FtraceSummary = {
    format,
    lines: 0,
    skippedHeader: 0,
    skippedOther: 0,
    malformed: 0,
    allocs: 0,
    frees: 0,
    failedAllocs: 0,
    selected: 0,
    refusedNotInTask: 0,
    refusedNoMm: 0,
    unmappedAllocs: 0,
    unmappedFrees: 0,
    unreadyFreeZeroings: 0,
    used: 0,
    lostEvents: 0,
    malformedExamples: [],
    firstTimestampNs: 0,
    possibleCpus: null,
    cpusSeen: 0,
    irqInfo: false,
    mmsBy: 'pid',
  };
  const initMode = opts.initMode ?? 'init_on_alloc';
  const taskIndex = new Map<number, number>();
  const taskMm: number[] = [];
  const taskCpu: number[] = [];
  /** time of the line that set taskCpu: the earliest zeroing, whatever the file order */
  const taskStartNs: number[] = [];
  const start = (task: number, cpu: number, t: number) => {
    if (taskCpu[task] === -1 || t < taskStartNs[task]!) {
      taskCpu[task] = cpu;
      taskStartNs[task] = t;
    }
  };
  const labels: string[] = [];
  const mmIndex = new Map<number, number>();
  const mmLines: number[] = [];
  const ranges: Array<LineRange | null> = [];
  let first = Infinity;
  let last = -Infinity;
  let sorted = true;
  let bytes = 0;
  const r = open();
  try {
    const onProgress = opts.onProgress;
    for (let text = r.next(); text !== null; text = r.next()) {
      s.lines++;
      if ((s.lines & 0xffff) === 0 && onProgress !== undefined) onProgress(r.endOffset);
      const kind = c.classify(text, r.lineNo);
      if (kind === L_HEADER) {
        s.skippedHeader++;
        continue;
      }
      if (kind === L_MALFORMED) {
        s.malformed++;
        if (s.malformedExamples.length < MAX_EXAMPLES) s.malformedExamples.push(`${file}:${r.lineNo}: ${l.error}`);
        continue;
      }
      if (kind === L_LOST) {
        s.skippedOther++;
        s.lostEvents += l.lost;
        continue;
      }
      if (kind !== L_ALLOC && kind !== L_FREE) {
        s.skippedOther++;
        continue;
      }
      if (l.hasFlags) s.irqInfo = true;
      if (l.tgid > 0) s.mmsBy = 'tgid';
      const t = l.timeNs;
      if (t < first) first = t;
      if (t < last) sorted = false;
      else last = t;
      const cpu = l.cpu;
      while (ranges.length <= cpu) ranges.push(null);
      const end = r.endOffset;
      const range = ranges[cpu];
      if (range) range.end = end;
      else ranges[cpu] = { start: r.offset, end, firstLine: r.lineNo };
      if (cpu + 1 > s.cpusSeen) s.cpusSeen = cpu + 1;
      // the task, if it has an mm (an interrupt runs on the task it interrupts, but not as it)
      let task = -1;
      if (c.ready) {
        const key = taskKey(l.pid, cpu);
        const known = taskIndex.get(key);
        if (known !== undefined) task = known;
        else {
          task = labels.length;
          taskIndex.set(key, task);
          const mmKey = l.tgid > 0 ? l.tgid : l.pid;
          let mm = mmIndex.get(mmKey);
          if (mm === undefined) {
            mm = mmIndex.size;
            mmIndex.set(mmKey, mm);
            mmLines.push(0);
          }
          taskMm.push(mm);
          taskCpu.push(-1);
          taskStartNs.push(0);
          labels.push(`${l.comm.trim()}-${l.pid}`);
        }
        mmLines[taskMm[task]!]!++;
      }
      if (kind === L_FREE) {
        s.frees++;
        if (task >= 0 && initMode === 'init_on_free') start(task, cpu, t);
        continue;
      }
      s.allocs++;
      switch (c.outcome) {
        case A_FAILED:
          s.failedAllocs++;
          break;
        case A_NOT_SELECTED:
          break;
        case A_REFUSED_NOT_TASK:
          s.selected++;
          s.refusedNotInTask++;
          break;
        case A_REFUSED_NO_MM:
          s.selected++;
          s.refusedNoMm++;
          break;
        case A_UNMAPPED:
          s.selected++;
          s.unmappedAllocs++;
          if (initMode === 'init_on_alloc' || (initMode === 'gfp_zero' && c.gfpZero)) start(task, cpu, t);
          break;
      }
    }
    bytes = r.endOffset;
  } finally {
    r.close();
  }
  s.possibleCpus = c.headerCpus >= 0 ? c.headerCpus : null;
  s.firstTimestampNs = first === Infinity ? 0 : first;
  s.used = s.unmappedAllocs;
  for (let k = 0; k < taskCpu.length; k++) if (taskCpu[k] === -1) taskCpu[k] = 0;
  return {
    summary: s,
    classify,
    taskIndex,
    taskMm: Int32Array.from(taskMm),
    taskCpu: Int32Array.from(taskCpu),
    taskLabel: labels,
    mms: mmIndex.size,
    mmLines: Int32Array.from(mmLines),
    sorted,
    ranges,
    bytes,
  };
}
