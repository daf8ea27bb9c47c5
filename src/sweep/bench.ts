/**
 * The sweep benchmark: the same CPU-bound sweep on 1 and on 2 worker threads, timed end to end
 * (pool start-up, journaling and the results files included), and the speed-up between them.
 * It also checks that both runs wrote the same results.csv, as any worker count must.
 *
 * The point runner defaults to the engine's test stand-in (test/fixtures/sweep/fake-worker.ts),
 * so it runs from a source checkout; pass `worker` to time another runner.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { runSweep, type WorkerRef } from './pool.js';
import { packageRoot } from './provenance.js';
import { parseSweepSpec } from './spec.js';

export interface BenchSweepOptions {
  /** Points in the sweep (default 16). */
  points?: number;
  /** Work per point, in loop iterations of the stand-in runner (default 200 million). */
  work?: number;
  worker?: WorkerRef;
}

export interface BenchSweepResult {
  oneWorkerSeconds: number;
  twoWorkerSeconds: number;
  speedup: number;
}

export async function benchSweep(options: BenchSweepOptions = {}): Promise<BenchSweepResult> {
  const points = options.points ?? 16;
  const worker = options.worker ?? {
    module: pathToFileURL(join(packageRoot(), 'test', 'fixtures', 'sweep', 'fake-worker.ts')),
    export: 'runPoint',
  };
  const spec = parseSweepSpec(
    {
      name: 'bench',
      seed: 7,
      replicates: 1,
      base: { work: options.work ?? 200_000_000, mermap: { regionPages: 64 } },
      grid: { 'bench.index': Array.from({ length: points }, (_, i) => i) },
    },
    'sweep benchmark',
  );
  const root = mkdtempSync(join(tmpdir(), 'mermap-lab-sweep-bench-'));
  try {
    const time = async (workers: number) => {
      const out = join(root, `w${workers}`);
      const start = performance.now();
      await runSweep({ spec, out, worker, workers });
      return { seconds: (performance.now() - start) / 1000, csv: readFileSync(join(out, 'results.csv')) };
    };
    const one = await time(1);
    const two = await time(2);
    if (!one.csv.equals(two.csv)) throw new Error('sweep benchmark: 1 and 2 workers wrote different results');
    return {
      oneWorkerSeconds: one.seconds,
      twoWorkerSeconds: two.seconds,
      speedup: one.seconds / two.seconds,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
