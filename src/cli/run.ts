import { violationLines } from '../core/checker-report.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCSV, from } from 'arquero';
import type { TlbSummary } from '../analysis/metrics/summary.js';
import { runConfig, type RunReport, type RunResult } from '../run/run.js';
import { loadRunConfig, parseRunConfig, presetConfig, listPresets, type RunConfig } from '../config/index.js';
import { LIMITS, sizeAllowed } from '../config/limits.js';
import { TRACE_FORMATS, traceCpus, type FtraceSummary } from '../workloads/index.js';
import { withOutDir, writableTarget, writeFileAtomicSync } from './atomic.js';
import { codeText } from '../util/errno-text.js';
import { canonicalJson, sha256Hex } from '../config/canonical.js';
import { SWEEP_FILE } from '../sweep/store.js';
import { UsageError } from './errors.js';
import { runProgress, withProgress } from './run-progress.js';
import { PER_CPU_FILE, RUN_FILE, TIME_SERIES_FILE } from '../run/run-files.js';

export interface RunCommandOptions {
  config?: string | undefined;
  preset?: string | undefined;
  trace?: string | undefined;
  format?: string | undefined;
  lenient?: boolean | undefined;
  gfpFilter?: string | undefined;
  sample?: number | undefined;
  cpus?: number | undefined;
  variant?: string | undefined;
  regionPages?: number | undefined;
  slots?: number | undefined;
  events?: number | undefined;
  seed?: number | undefined;
  json?: boolean | undefined;
  out?: string | undefined;
  timeline?: boolean | undefined;
}

/** The CPUs of a trace: its header's, else its highest CPU column + 1. */
function cpusOfTrace(file: string, format: string): number {
  try {
    return traceCpus({ path: file }, format as 'auto');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`${file}: cannot read the trace (${codeText(code)})`);
    throw e;
  }
}

function buildConfig(o: RunCommandOptions): RunConfig {
  const sources = [o.config, o.preset, o.trace].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('give exactly one of CONFIG, --preset NAME or --trace FILE');
  let raw: Record<string, unknown>;
  if (o.preset !== undefined) {
    if (!listPresets().some((p) => p.name === o.preset)) {
      throw new UsageError(
        `--preset ${o.preset} is not known: one of ${listPresets()
          .map((p) => p.name)
          .join(', ')}`,
      );
    }
    raw = structuredClone(presetConfig(o.preset)) as unknown as Record<string, unknown>;
  } else if (o.trace !== undefined) {
    const format = o.format ?? 'auto';
    if (format !== 'auto' && !(TRACE_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format ${format} is not known: one of auto, ${TRACE_FORMATS.join(', ')}`);
    const cpus = o.cpus ?? cpusOfTrace(o.trace, format);
    if (cpus > LIMITS.cpus.max)
      throw new UsageError(
        `${o.trace}: the trace has ${cpus} possible CPUs, more than the ${LIMITS.cpus.max} the simulator models: ` +
          `give --cpus N (${sizeAllowed(LIMITS.cpus)}) for the CPUs its events use`,
      );
    raw = {
      machine: { possibleCpus: cpus },
      workload: { kind: 'ftrace', path: o.trace, format, lenient: o.lenient === true },
      length: { events: Number.MAX_SAFE_INTEGER },
    };
  } else {
    raw = structuredClone(loadRunConfig(o.config!)) as unknown as Record<string, unknown>;
  }
  const m = (raw.mermap ?? {}) as Record<string, unknown>;
  if (o.variant !== undefined) {
    m.variant = o.variant;
    if (o.slots === undefined) delete m.slots; // the variant's own default
  }
  if (o.regionPages !== undefined) m.regionPages = o.regionPages;
  if (o.slots !== undefined) m.slots = o.slots;
  raw.mermap = m;
  if (o.cpus !== undefined && o.trace === undefined) {
    const mach = (raw.machine ?? {}) as Record<string, unknown>;
    mach.possibleCpus = o.cpus;
    delete mach.onlineCpus;
    raw.machine = mach;
  }
  if (o.events !== undefined) raw.length = { events: o.events };
  if (o.seed !== undefined) raw.seed = o.seed;
  const w = raw.workload as Record<string, unknown> | undefined;
  const isTrace = w !== undefined && w.kind === 'ftrace';
  if ((o.gfpFilter !== undefined || o.sample !== undefined) && !isTrace)
    throw new UsageError('--gfp-filter and --sample apply to a trace workload (--trace FILE)');
  if (isTrace) {
    if (o.lenient) w.lenient = true;
    if (o.gfpFilter !== undefined) w.gfpFilter = o.gfpFilter;
    if (o.sample !== undefined) w.unmappedFraction = o.sample;
  }
  // overrides and the loaded file are validated again together
  return parseRunConfig(raw, o.config ?? (o.preset !== undefined ? `preset ${o.preset}` : o.trace));
}

const sizeOf = (pages: number) => (pages * 4 >= 1024 ? `${(pages * 4) / 1024} MiB` : `${pages * 4} KiB`);
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;

/** The trace reader's counts, and what the summary must say about how the trace was read. */
function traceLines(t: FtraceSummary): string[] {
  const lines = [
    `trace       ${t.format}: ${n(t.lines)} lines, ${n(t.allocs)} allocations (${n(t.failedAllocs)} failed), ${n(t.frees)} frees, ${n(t.skippedOther)} other events, ${n(t.lostEvents)} lost events${t.malformed > 0 ? `, ${n(t.malformed)} malformed lines skipped` : ''}`,
    `selected    ${n(t.selected)} allocations: ${n(t.unmappedAllocs)} reached the mermap, refused by prepare_alloc_pages (mermap_ready() false): ${n(t.refusedNotInTask)} not in task context, ${n(t.refusedNoMm)} without an mm (kernel threads, idle); ${n(t.unmappedFrees)} of their frees seen${t.unreadyFreeZeroings > 0 ? `, ${n(t.unreadyFreeZeroings)} zeroed at free without mermap_ready() (RFC v1 oopses)` : ''}`,
    t.mmsBy === 'tgid'
      ? 'mms         one per process (TGID column)'
      : 'mms         one per pid: the trace has no TGID column, so threads of one process count as separate mms (record with the record-tgid option, or perf script -F +pid)',
  ];
  if (!t.irqInfo) lines.push('context     the trace has no irq-flags column: every allocation taken as task context');
  return lines;
}

export function formatRunSummary(r: RunResult): string {
  const s = r.report;
  const c = s.config;
  const nonzero = (o: Record<string, number>) =>
    Object.entries(o)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ') || 'none';
  const kib = s.pageTables.bytesPerMm / 1024;
  return [
    `mermap-lab run: ${c.mermap.variant}, R = ${c.mermap.regionPages} pages (${sizeOf(c.mermap.regionPages)}), ${c.machine.onlineCpus} online CPU${c.machine.onlineCpus === 1 ? '' : 's'} (${c.machine.possibleCpus} possible), ${c.workload.kind}, seed ${c.seed}`,
    ...(s.trace === undefined ? [] : traceLines(s.trace)),
    `events      ${n(s.events)} in ${s.wallSeconds.toFixed(2)} s (${n(s.eventsPerSecond)} events/s), ${s.simulatedSeconds.toFixed(4)} s simulated`,
    `gets        ${n(s.gets)}: ${n(s.fastPathGets)} fast-path, ${n(s.gets - s.fastPathGets)} reserved (${pct(s.reservedGetFraction)}); puts ${n(s.puts)}, allocations ${n(s.allocations)}`,
    `flushes     ${n(s.flushes)}: ${s.flushesPerAllocation.toFixed(4)} per allocation, ${n(s.flushesPerSecond)} per simulated second, ${s.flushesPer1000FastPathGets.toFixed(2)} per 1,000 fast-path gets (${s.flushesPer1000Gets.toFixed(2)} per 1,000 gets with reserved ones); gets between flushes mean ${s.getsBetweenFlushes.mean.toFixed(1)}, p50 ${n(s.getsBetweenFlushes.p50)}, p99 ${n(s.getsBetweenFlushes.p99)}`,
    `failures    ${nonzero(s.failures)}`,
    ...(s.failureSamples.length > 0
      ? [
          (() => {
            const f = s.failureSamples[0];
            return `first fail  op ${n(f.op)}, CPU ${f.cpu}, ${f.reason} for ${n(f.requestPages)} pages; its region: ${n(f.live)} live, ${n(f.reclaimable)} reclaimable, ${n(f.pinned)} pinned, ${n(f.free)} free (next_addr at ${n(f.nextOffset)})`;
          })(),
        ]
      : []),
    `fallback    ${n(s.fastPathFailures)} fast-path failures (fallback rate ${pct(s.fastPathFailuresPerAllocation)} of allocations) -> ${n(s.fallbackPages)} reserved single-page maps${s.slowPath.mapFailures > 0 ? `, ${n(s.slowPath.mapFailures)} of which failed` : ''}`,
    `slow path   ${n(s.slowPath.pteWrites)} PTE writes, ${n(s.slowPath.lockAcquisitions)} PTE locks; IRQs off per allocation mean ${us(s.slowPath.irqsOffNs.mean)}, p99 ${us(s.slowPath.irqsOffNs.p99)}, max ${us(s.slowPath.irqsOffNs.max)}; longest IRQs-off window ${us(s.slowPath.irqsOffWindowMaxNs)} (one page); ${n(s.cost.slowPathCycles)} cycles`,
    `wasted VA   mean ${pct(s.wastedVa.meanFraction)}, peak ${pct(s.wastedVa.peakFraction)} of each region`,
    `TLB         ${n(s.tlb.hits)} hits, ${n(s.tlb.misses)} misses; per full flush discarded: mermap ${s.tlb.perFlush.mermap.toFixed(1)}, global ${s.tlb.perFlush.global.toFixed(1)}, other PCIDs ${s.tlb.perFlush.otherPcid.toFixed(1)}, user ${s.tlb.perFlush.user.toFixed(1)}; ${n(s.tlb.refillsAfterFlush)} refills after flushes (${s.tlb.refillsPerFlush.toFixed(1)} per flush), ${collateralText(s.tlb)}`,
    `cost        ${s.cost.model}: ${s.cost.perGetCycles.toFixed(1)} cycles per get, ${pct(s.cost.overheadFraction)} of cycles; over every preset ${s.cost.band.low.perGetCycles.toFixed(1)} to ${s.cost.band.high.perGetCycles.toFixed(1)} cycles per get, ${pct(s.cost.band.low.overheadFraction)} to ${pct(s.cost.band.high.overheadFraction)} of cycles`,
    `page tables ${kib.toFixed(1)} KiB per mm (${n(s.pageTables.tablePagesPerMm)} table pages)`,
    `exposure    stale translations to freed mermap pages lived mean ${s.exposure.meanOps.toFixed(1)} ops / ${(s.exposure.meanNs / 1000).toFixed(2)} µs, max ${n(s.exposure.maxOps)} ops / ${(s.exposure.maxNs / 1000).toFixed(2)} µs`,
    `violations  ${nonzero(s.violations as unknown as Record<string, number>)}`,
    ...violationLines(r.machine.checker, s.violations).map((l) => `  ${l}`),
    `region of CPU 0 (mm 0) at the end:`,
    ...r.regionText.split('\n').map((l) => `  ${l}`),
  ].join('\n');
}

/** The shadow TLBs' figure: refills the mermap's flushes caused (absent when machine.shadowTlb is off). */
function collateralText(t: TlbSummary): string {
  if (t.collateralRefills === null) return 'collateral refills not counted (machine.shadowTlb off)';
  const perFlush = t.collateralRefillsPerFlush ?? 0;
  return `${n(t.collateralRefills)} collateral refills (${perFlush.toFixed(1)} per flush)`;
}

export async function runCommand(o: RunCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = buildConfig(o);
  // The output folder is checked (and locked) before simulating, and removed again if the run
  // fails and the folder was made for it.
  const result =
    o.out === undefined
      ? simulate(config, o)
      : await withOutDir(o.out, 'mermap-lab run', () => {
          refuseOtherResults(o.out!, config);
          const r = simulate(config, o);
          writeRunFolder(o.out!, r);
          return r;
        });
  if (o.json) out.write(`${JSON.stringify(result.report, null, 2)}\n`);
  else out.write(`${formatRunSummary(result)}\n`);
  return 0;
}

function simulate(config: RunConfig, o: RunCommandOptions): RunResult {
  // a trace's length is its own, not an event count: its bar is the share of the file read
  const isTrace = config.workload.kind === 'ftrace';
  const tty = process.stderr.isTTY === true;
  const bar = runProgress(config.length);
  return withProgress(tty, isTrace ? 'trace' : 'run', isTrace ? 'per mille read' : bar.unit, (cb) =>
    runConfig(config, {
      onProgress: isTrace ? undefined : (e, _total, ns) => cb(bar.value(e, ns), bar.total),
      onTraceProgress: isTrace ? (f) => cb(Math.round(f * 1000), 1000) : undefined,
      regionTimeline: o.out !== undefined || o.timeline === true,
    }),
  );
}

/**
 * A folder that holds another run's results, or a sweep's, is refused before simulating, as a
 * sweep refuses another sweep's folder: writing over them would lose them. A run of the same
 * config (the same canonical JSON) writes the same results again and may.
 */
function refuseOtherResults(dir: string, config: RunConfig): void {
  if (existsSync(join(dir, SWEEP_FILE))) throw new UsageError(`${dir}: holds a sweep's results; choose another --out`);
  const runFile = join(dir, RUN_FILE);
  if (!existsSync(runFile)) return;
  let previous: unknown;
  try {
    previous = (JSON.parse(readFileSync(runFile, 'utf8')) as { report?: { config?: unknown } }).report?.config;
  } catch {
    previous = undefined;
  }
  const hash = (c: unknown) => sha256Hex(canonicalJson(c));
  if (previous === undefined || hash(previous) !== hash(config)) {
    throw new UsageError(`${dir}: holds the results of another run (run.json); choose another --out, or remove them`);
  }
}

function writeRunFolder(dir: string, result: RunResult): void {
  const report: RunReport = result.report;
  const artifacts = {
    report,
    perCpu: result.perCpu,
    perMm: result.perMm,
    timeSeries: result.timeSeries,
    regionTimeline: result.regionTimeline,
    regionText: result.regionText,
  };
  const files = [RUN_FILE, PER_CPU_FILE, TIME_SERIES_FILE].map((f) => join(dir, f));
  // Every destination is checked before the first is written, so a refusal leaves nothing half-written
  for (const file of files) writableTarget(file);
  writeFileAtomicSync(join(dir, RUN_FILE), `${JSON.stringify(artifacts, null, 1)}\n`);
  writeFileAtomicSync(join(dir, PER_CPU_FILE), `${toCSV(from(result.perCpu))}\n`);
  writeFileAtomicSync(join(dir, TIME_SERIES_FILE), `${toCSV(from(result.timeSeries))}\n`);
}
