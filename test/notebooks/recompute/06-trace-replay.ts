/** Recomputes the facts notebooks/06-trace-replay.ipynb states: the generated trace replayed at each region size. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ml from '../../../src/index.js';
import type { FactValue, Params } from './shared.js';

export async function traceReplay(p: Params): Promise<Record<string, FactValue>> {
  if (p.tracePath !== '') throw new Error('06-trace-replay: only the generated trace can be recomputed');
  const dir = mkdtempSync(join(tmpdir(), 'mermap-nb06-'));
  try {
    const file = join(dir, 'synthetic.trace');
    const lines: string[] = [];
    for (const l of ml.syntheticTrace(p.synthetic as ml.SyntheticTraceOptions)) lines.push(l);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const cpus = ml.traceCpus({ path: file });
    const reports = (p.regionPages as number[]).map(
      (R) =>
        ml.runConfig(
          ml.parseRunConfig({
            seed: p.seed as number,
            machine: { possibleCpus: cpus },
            mermap: { variant: p.variant as string, regionPages: R },
            workload: { kind: 'ftrace', path: file, gfpFilter: p.gfpFilter as string },
            length: { events: Number.MAX_SAFE_INTEGER },
          }),
        ).report,
    );
    const t = reports[0]!.trace!;
    const first = reports[0]!;
    const last = reports[reports.length - 1]!;
    const R = p.regionPages as number[];
    return {
      'trace.lines': t.lines,
      'trace.format': t.format,
      'trace.allocs': t.allocs,
      'trace.frees': t.frees,
      'trace.selected': t.selected,
      'trace.unmapped': t.unmappedAllocs,
      'trace.refusedNotInTask': t.refusedNotInTask,
      'trace.refusedNoMm': t.refusedNoMm,
      'first.R': R[0]!,
      'first.fallback': first.fastPathFailuresPerAllocation,
      'first.flushes': first.flushesPer1000Gets,
      'last.R': R[R.length - 1]!,
      'last.fallback': last.fastPathFailuresPerAllocation,
      'last.flushes': last.flushesPer1000Gets,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
