/**
 * src/workloads: turns a validated RunConfig into a deterministic event stream for the Machine.
 *
 *   config ──► generator (unmapped-alloc | guest-memfd-populate | microbench | ops | ftrace)
 *          ──► TLB pressure (if workload.tlbPressure) ──► length limit ──► EventSource
 */
import { statSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import type { RunConfig, WorkloadKind } from '../config/types.js';
import type { EventChunk, EventSource, WorkloadTopology } from './events.js';
import { GuestMemfdSource, guestAllocations } from './guest-memfd.js';
import { LengthLimitedSource } from './limit.js';
import { MicrobenchSource } from './microbench.js';
import { TlbPressureSource } from './tlb-pressure.js';
import {
  checkSelection,
  FtraceSource,
  scanTraceInput,
  type FtraceSummary,
  type TraceScan,
  type TraceScanOptions,
} from './trace/ftrace.js';
import { codeText } from '../util/errno-text.js';
import { OpScriptSource } from './trace/op-script.js';
import { UnmappedAllocSource, unmappedAllocMms } from './unmapped-alloc.js';

export * from './events.js';
export * from './rng.js';
export * from './stream.js';
export { UnmappedAllocSource, type GeneratorOptions } from './unmapped-alloc.js';
export { GuestMemfdSource, guestAllocations } from './guest-memfd.js';
export { MicrobenchSource } from './microbench.js';
export { TlbPressureSource, USER_BASE_VPN, DIRECT_MAP_BASE_VPN_4, DIRECT_MAP_BASE_VPN_5 } from './tlb-pressure.js';
export { LengthLimitedSource, type LengthLimit } from './limit.js';
export { PHYS_BASE_PFN } from '../config/defaults.js';
export {
  FtraceSource,
  TraceError,
  TraceSelectionError,
  TRACE_FORMATS,
  checkSelection,
  isKernelThread,
  scanTraceInput,
  traceCpus,
  traceSource,
  type FtraceSourceOptions,
  type FtraceSummary,
  type TraceFormat,
  type TraceInput,
  type TraceScan,
  type TraceScanOptions,
} from './trace/ftrace.js';
export { syntheticTrace, type SyntheticTraceOptions } from './trace/synth.js';
export { OpScriptError, OpScriptSource, parseOpScript, type Op, type OpScriptInput } from './trace/op-script.js';

/** What a workload knows about itself besides its events. */
export interface WorkloadInfo {
  kind: WorkloadKind;
  /** ftrace: what the parser read, skipped and used */
  ftrace?: FtraceSummary;
  /** guest-memfd-populate: allocations the guest needs */
  allocations?: number;
  /** ops: number of ops in the script */
  ops?: number;
}

/** The source createEventSource returns: an EventSource plus what it knows about itself. */
export interface WorkloadSource extends EventSource {
  readonly info: WorkloadInfo;
}

class Wrapped implements WorkloadSource {
  readonly topology: WorkloadTopology;
  constructor(
    private readonly inner: EventSource,
    readonly info: WorkloadInfo,
  ) {
    this.topology = inner.topology;
  }
  fill(chunk: EventChunk): boolean {
    return this.inner.fill(chunk);
  }
}

/**
 * The event stream of a run: a pure function of the config (and, for ops and ftrace, of the file
 * it names). Throws OpScriptError / TraceError (file:line) for bad input files and ConfigError
 * when a file cannot be read.
 */
export interface EventSourceOptions {
  /** traces: the share of the trace read so far, 0..1 (the check pass is the first half) */
  onTraceProgress?: ((fraction: number) => void) | undefined;
}

/**
 * The processes (mms) a config's workload makes, known from the config alone (what a sweep checks
 * before it runs anything), or null when a file holds them (a trace: its scan counts them). The
 * generators other than unmapped-alloc and op scripts run one mm (test/workloads/ checks this
 * against each source's topology).
 */
export function configuredMms(config: RunConfig): number | null {
  const w = config.workload;
  if (w.kind === 'unmapped-alloc') return unmappedAllocMms(config.machine.onlineCpus, w.mmsPerCpu);
  return w.kind === 'ftrace' ? null : 1;
}

/** scanTraceInput() of the trace at `path`, its read errors as a ConfigError naming the file. */
function scanTracePath(path: string, opts: TraceScanOptions): TraceScan {
  try {
    return scanTraceInput({ path }, opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string')
      throw new ConfigError(path, [`workload.path: ${path}: cannot read the file (${codeText(code)})`]);
    throw e;
  }
}

/** What of a trace config decides its processes: the file and how its lines are read. */
export function traceMmsKey(config: RunConfig): string | null {
  const w = config.workload;
  if (w.kind !== 'ftrace') return null;
  return JSON.stringify([w.path, w.format, w.lenient, config.machine.onlineCpus]);
}

/**
 * The processes (mms) a trace config's run holds, read from its trace (a whole scan, one pass):
 * every process seen in task context, whatever the gfp filter and sample select, so points that
 * share traceMmsKey() share the count. A sweep sizes its trace points with it before it runs
 * anything; a bad line is the error the run would stop on.
 */
export function traceMms(config: RunConfig): number {
  const w = config.workload;
  if (w.kind !== 'ftrace') throw new RangeError('traceMms: not a trace workload');
  return scanTracePath(w.path, {
    format: w.format,
    gfpFilter: '*',
    lenient: w.lenient,
    onlineCpus: config.machine.onlineCpus,
  }).mms;
}

export function createEventSource(config: RunConfig, opts: EventSourceOptions = {}): WorkloadSource {
  const w = config.workload;
  const endTimeNs = config.length.seconds !== undefined ? config.length.seconds * 1e9 : Infinity;
  const info: WorkloadInfo = { kind: w.kind };
  let src: EventSource;
  switch (w.kind) {
    case 'unmapped-alloc':
      src = new UnmappedAllocSource(config, { endTimeNs });
      break;
    case 'guest-memfd-populate':
      src = new GuestMemfdSource(config, { endTimeNs });
      info.allocations = guestAllocations(w);
      break;
    case 'microbench':
      src = new MicrobenchSource(config, { endTimeNs });
      break;
    case 'ops': {
      let ops: OpScriptSource;
      try {
        ops = new OpScriptSource({ path: w.path }, config.machine.onlineCpus, w.opSpacingNs, w.path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (typeof code === 'string')
          throw new ConfigError(w.path, [`workload.path: ${w.path}: cannot read the file (${codeText(code)})`]);
        throw e;
      }
      info.ops = ops.count;
      src = ops;
      break;
    }
    case 'ftrace': {
      const progress = opts.onTraceProgress;
      let size = 0;
      try {
        size = progress === undefined ? 0 : statSync(w.path).size;
      } catch {
        // the scan's open names the file
      }
      const scan = scanTracePath(w.path, {
        format: w.format,
        gfpFilter: w.gfpFilter,
        sample: w.unmappedFraction,
        seed: config.seed,
        lenient: w.lenient,
        onlineCpus: config.machine.onlineCpus,
        initMode: w.initMode,
        onProgress: progress === undefined ? undefined : (b) => progress((0.5 * b) / Math.max(size, 1)),
      });
      checkSelection(scan);
      info.ftrace = scan.summary;
      src = new FtraceSource({ path: w.path }, scan, {
        initMode: w.initMode,
        zeroCyclesPerPage: w.zeroCyclesPerPage,
        cpuGhz: w.cpuGhz,
        onlineCpus: config.machine.onlineCpus,
        endTimeNs,
        onProgress: progress === undefined ? undefined : (b, t) => progress(0.5 + (0.5 * b) / Math.max(t, 1)),
      });
      break;
    }
  }
  if (w.tlbPressure) src = new TlbPressureSource(src, w.tlbPressure, config.seed, config.machine.pagingLevels);
  return new Wrapped(new LengthLimitedSource(src, config.length, w.kind === 'ftrace'), info);
}
