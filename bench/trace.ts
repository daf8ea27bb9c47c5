/**
 * Trace reading at scale: a synthetic tracefs trace (src/workloads/trace/synth.ts) of about
 * 1 GB (100 MB with --quick) is written to a temporary file, then read as a run's workload
 * (both passes: the scan and the stream). Printed: its size and lines, lines per second, and the
 * highest resident memory seen while reading. Target (issue 14 §4): a 1 GB trace under 300 MB
 * resident.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../src/config/index.js';
import { createEventSource, EventChunk, syntheticTrace, Ev } from '../src/workloads/index.js';

/** about 150 bytes per synthetic line */
const BYTES_PER_EVENT = 150;

function writeTrace(file: string, events: number): void {
  const fd = openSync(file, 'w');
  try {
    let batch: string[] = [];
    for (const line of syntheticTrace({ events, cpus: 8, seed: 1 })) {
      batch.push(line);
      if (batch.length === 10_000) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

export async function benchTrace(o: { quick: boolean }): Promise<Record<string, string | number>> {
  const bytes = Number(process.env.MERMAP_BENCH_TRACE_MB ?? (o.quick ? 100 : 1000)) * 1e6;
  const dir = mkdtempSync(join(tmpdir(), 'mermap-bench-trace-'));
  const file = join(dir, 'synthetic.trace');
  try {
    writeTrace(file, Math.round(bytes / BYTES_PER_EVENT));
    const size = statSync(file).size;
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const t0 = process.hrtime.bigint();
    const config = parseRunConfig({
      machine: { possibleCpus: 8 },
      workload: { kind: 'ftrace', path: file, gfpFilter: '__GFP_ZERO' },
    });
    const src = createEventSource(config); // the scan
    peak = Math.max(peak, process.memoryUsage().rss);
    const chunk = new EventChunk(4096);
    let events = 0;
    let fills = 0;
    for (let more = true; more; ) {
      more = src.fill(chunk);
      events += chunk.length;
      // a process's EXIT is not an event of the run (src/workloads/events.ts)
      for (let i = 0; i < chunk.length; i++) if (chunk.kind[i] === Ev.EXIT) events--;
      if ((++fills & 63) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const lines = src.info.ftrace!.lines;
    return {
      'trace MB': +(size / 1e6).toFixed(0),
      lines,
      events,
      seconds: +seconds.toFixed(1),
      'lines/s (both passes)': Math.round(lines / seconds),
      'MB/s': +(size / 1e6 / seconds).toFixed(1),
      'peak RSS MB': +(peak / 1e6).toFixed(0),
      'RSS before MB': +(rssBefore / 1e6).toFixed(0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
