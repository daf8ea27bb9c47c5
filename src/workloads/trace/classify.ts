/**
 * What one trace line means for the mermap, decided the same way in the scan (first pass) and
 * the stream (second pass): the line's grammar (line-format.ts), the checks that name the line
 * (a CPU beyond the trace's or the run's CPUs, time going back on a CPU), the gfp filter, the
 * seeded sample, and the context the kernel's caller checks.
 *
 * Context (facts §6.1, §8.8): RFC v1's prepare_alloc_pages fails an __GFP_UNMAPPED allocation
 * when mermap_ready() is false: not in task context (the flags column says hardirq, softirq or
 * NMI) or no mm (kernel threads and the idle task). Such allocations are counted as refused and
 * never reach the mermap. A trace cannot say whether a task has an mm: the idle task is pid 0,
 * and a kernel thread is recognised by its name (KTHREAD_RE).
 */
import { InputError, InputLineError } from '../../util/input-error.js';
import { deriveSeed, type Seed } from '../rng.js';
import { L_ALLOC, L_FREE, L_MALFORMED, parseTraceLine, TraceLine, type TraceFormat } from './line-format.js';

export class TraceError extends InputLineError {
  override name = 'TraceError';
}

/** The selection is empty: nothing to simulate (exit status 2). */
export class TraceSelectionError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'TraceSelectionError';
  }
}

/**
 * Names of kernel threads (no mm) as ps and ftrace print them: kthreadd and the per-CPU and
 * subsystem threads of kernel/ and mm/ (kworker/N:M, ksoftirqd/N, migration/N, cpuhp/N,
 * rcu_*, kswapd0, kcompactd0, khugepaged, irq/N-name, ...).
 */
const KTHREAD_RE =
  /^(kthreadd|kworker\/|ksoftirqd\/|migration\/|cpuhp\/|idle_inject\/|rcu_|rcuc\/|rcuog\/|rcuop\/|kswapd|kcompactd|khugepaged|ksmd|kauditd|khungtaskd|oom_reaper|kblockd|kintegrityd|kdevtmpfs|kthrotld|writeback|watchdog|watchdogd|irq\/|jbd2\/|xfsaild\/|scsi_eh_|swapper)/;

export function isKernelThread(comm: string, pid: number): boolean {
  return pid === 0 || KTHREAD_RE.test(comm);
}

/** allocation outcomes */
export const A_FAILED = 1; // pfn -1 in the trace
export const A_NOT_SELECTED = 2; // gfp filter or sample
export const A_REFUSED_NOT_TASK = 3; // selected, !in_task(): prepare_alloc_pages fails it
export const A_REFUSED_NO_MM = 4; // selected, kernel thread or idle: prepare_alloc_pages fails it
export const A_UNMAPPED = 5; // selected and mermap_ready(): reaches the mermap

/** __GFP_ZERO as a number: include/linux/gfp_types.h, ___GFP_ZERO_BIT = 8 (v6.10+; 0x100u before). */
const GFP_ZERO_NUM = 0x100;

export interface ClassifyOptions {
  file: string;
  format: TraceFormat;
  /** "A|B" flag names (all required), "0xMASK" (all bits required), or "*" */
  gfpFilter: string;
  /** share of the matching allocations taken, drawn per line from the seed */
  sample?: number | undefined;
  seed: Seed;
  lenient: boolean;
  /** CPUs of the run: a line on a CPU at or above is an error */
  onlineCpus: number;
  /** where onlineCpus came from, for the message */
  cpusSource: string;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class TraceClassifier {
  readonly line = new TraceLine();
  /** L_ALLOC: an A_* outcome */
  outcome = 0;
  /** L_ALLOC: the allocation has __GFP_ZERO */
  gfpZero = false;
  /** task context and an mm: mermap_ready() would hold */
  ready = false;
  /** #P:N or cpus=N of the header, -1 until seen */
  headerCpus = -1;
  private readonly names: string[] | null;
  private readonly mask: number;
  private readonly sampleSeed: number;
  private lastTime = new Float64Array(0);

  constructor(readonly opts: ClassifyOptions) {
    const f = opts.gfpFilter;
    this.names = f === '*' || f.startsWith('0x') ? null : f.split('|').filter((x) => x !== '');
    this.mask = f.startsWith('0x') ? parseInt(f.slice(2), 16) >>> 0 : 0;
    this.sampleSeed = deriveSeed(opts.seed, 'ftrace', 'sample');
  }

  private draw(lineNo: number): number {
    const lo = fmix32(lineNo >>> 0);
    const hi = Math.imul(Math.floor(lineNo / 0x100000000), 0x9e3779b1);
    return fmix32(this.sampleSeed ^ lo ^ hi) / 0x100000000;
  }

  private fail(lineNo: number, msg: string): number {
    if (!this.opts.lenient) throw new TraceError(this.opts.file, lineNo, msg);
    this.line.kind = L_MALFORMED;
    this.line.error = msg;
    return L_MALFORMED;
  }

  /** Classify one line; throws TraceError for bad lines unless lenient (then L_MALFORMED). */
  classify(text: string, lineNo: number): number {
    const l = this.line;
    const kind = parseTraceLine(text, this.opts.format, l);
    if (l.headerCpus === 0) return this.fail(lineNo, 'the header gives the trace 0 CPUs (#P:0 or cpus=0)');
    if (l.headerCpus > 0) this.headerCpus = l.headerCpus;
    if (kind === L_MALFORMED) return this.fail(lineNo, l.error);
    if (kind !== L_ALLOC && kind !== L_FREE) return kind;
    const o = this.opts;
    if (this.headerCpus >= 0 && l.cpu >= this.headerCpus) {
      throw new TraceError(
        o.file,
        lineNo,
        `cpu ${l.cpu}, but the trace's header says it has ${this.headerCpus} possible CPUs`,
      );
    }
    if (l.cpu >= o.onlineCpus)
      throw new TraceError(
        o.file,
        lineNo,
        `cpu ${l.cpu}, but the run has ${o.onlineCpus} online CPUs (${o.cpusSource})`,
      );
    if (l.cpu >= this.lastTime.length) {
      const g = new Float64Array(Math.max(l.cpu + 1, this.lastTime.length * 2)).fill(-1);
      g.set(this.lastTime);
      this.lastTime = g;
    }
    if (l.timeNs < this.lastTime[l.cpu]!) {
      return this.fail(
        lineNo,
        `time goes back on cpu ${l.cpu} (${l.timeNs / 1e9} s after ${this.lastTime[l.cpu]! / 1e9} s): the kernel writes each CPU's buffer in time order`,
      );
    }
    this.lastTime[l.cpu] = l.timeNs;
    this.ready = !l.irq && !isKernelThread(l.comm, l.pid);
    if (kind === L_FREE) return kind;
    this.gfpZero = l.gfpNames !== null ? l.gfpNames.includes('__GFP_ZERO') : (l.gfpNum & GFP_ZERO_NUM) !== 0;
    if (l.pfn < 0) {
      this.outcome = A_FAILED;
      return kind;
    }
    let pass = true;
    if (this.names !== null) {
      const have = l.gfpNames;
      if (have === null) {
        throw new TraceError(
          o.file,
          lineNo,
          `gfp_flags=0x${l.gfpNum.toString(16)} is a number, so flag names cannot be matched: give --gfp-filter 0xMASK or '*'`,
        );
      }
      for (const f of this.names) if (!have.includes(f)) pass = false;
    } else if (this.mask !== 0) {
      if (Number.isNaN(l.gfpNum)) {
        throw new TraceError(
          o.file,
          lineNo,
          `gfp_flags=${l.gfpNames!.join('|')} are names, so a numeric mask cannot be matched: give --gfp-filter as flag names 'A|B' or '*'`,
        );
      }
      pass = (l.gfpNum & this.mask) >>> 0 === this.mask;
    }
    if (pass && o.sample !== undefined && !(this.draw(lineNo) < o.sample)) pass = false;
    if (!pass) this.outcome = A_NOT_SELECTED;
    else if (l.irq) this.outcome = A_REFUSED_NOT_TASK;
    else if (!this.ready) this.outcome = A_REFUSED_NO_MM;
    else this.outcome = A_UNMAPPED;
    return kind;
  }
}
