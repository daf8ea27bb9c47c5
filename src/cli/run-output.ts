/**
 * What `mermap-lab run` prints and writes, as text: the summary (or the --json report) and, with
 * --out, the run folder's files. Built where the run ran (a worker thread: ./run-thread.ts), from
 * its RunResult, which holds the machine itself and so cannot cross to the main thread.
 */
import { violationLines } from '../core/checker-report.js';
import type { TlbSummary } from '../analysis/metrics/summary.js';
import type { RunReport, RunResult } from '../run/run.js';
import type { FtraceSummary } from '../workloads/index.js';
import { PER_CPU_FILE, RUN_FILE, TIME_SERIES_FILE } from '../run/run-files.js';

/** What a run prints, and with --out the files it writes (name within the folder, text). */
export interface RunOutput {
  text: string;
  files: Array<{ name: string; text: string }> | null;
}

/** A finished run's output: its summary or --json report, and its files when `withFiles`. */
export async function runOutput(result: RunResult, json: boolean, withFiles: boolean): Promise<RunOutput> {
  const text = json ? `${JSON.stringify(result.report, null, 2)}\n` : `${formatRunSummary(result)}\n`;
  return { text, files: withFiles ? await runFolderFiles(result) : null };
}

/**
 * The run folder's files: run.json (report and tables), per-cpu.csv, time-series.csv. arquero
 * (for the CSV) is loaded here, only for --out: about 65 ms of a run's thread otherwise.
 */
async function runFolderFiles(result: RunResult): Promise<Array<{ name: string; text: string }>> {
  const { toCSV, from } = await import('arquero');
  const report: RunReport = result.report;
  const artifacts = {
    report,
    perCpu: result.perCpu,
    perMm: result.perMm,
    timeSeries: result.timeSeries,
    regionTimeline: result.regionTimeline,
    regionText: result.regionText,
  };
  return [
    { name: RUN_FILE, text: `${JSON.stringify(artifacts, null, 1)}\n` },
    { name: PER_CPU_FILE, text: `${toCSV(from(result.perCpu))}\n` },
    { name: TIME_SERIES_FILE, text: `${toCSV(from(result.timeSeries))}\n` },
  ];
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
