import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../src/sweep/pool.js';
import { parseSweepSpec } from '../src/sweep/spec.js';

export { benchSweep } from '../src/sweep/bench.js';

/**
 * The same sweep of real simulations (32 points of the default workload, 250k events each) on 1
 * and on 2 worker threads: end-to-end seconds and the speed-up (target >= 1.7x on 2 cores).
 */
export async function benchSweepRealRuns(
  opts: { quick?: boolean } = {},
): Promise<{ points: number; oneWorkerSeconds: number; twoWorkerSeconds: number; speedup: number }> {
  const spec = parseSweepSpec(
    {
      name: 'bench-real',
      seed: 3,
      replicates: opts.quick ? 2 : 4,
      base: {
        machine: { possibleCpus: 16, onlineCpusCap: 4 },
        workload: { kind: 'unmapped-alloc', tlbPressure: {} },
        length: { events: 250_000 },
      },
      grid: { 'mermap.regionPages': [64, 256, 512, 2048], 'mermap.variant': ['rfc-v1', 'rfc-later'] },
    },
    'sweep benchmark (real runs)',
  );
  const worker = { module: new URL('../src/run/point.js', import.meta.url), export: 'runPoint' };
  const root = mkdtempSync(join(tmpdir(), 'mermap-lab-bench-'));
  try {
    const time = async (workers: number) => {
      const out = join(root, `w${workers}`);
      const t0 = performance.now();
      await runSweep({ spec, out, worker, workers });
      return { seconds: (performance.now() - t0) / 1000, csv: readFileSync(join(out, 'results.csv')) };
    };
    const one = await time(1);
    const two = await time(2);
    if (!one.csv.equals(two.csv)) throw new Error('sweep benchmark: 1 and 2 workers wrote different results');
    return {
      points: spec.replicates * 8,
      oneWorkerSeconds: one.seconds,
      twoWorkerSeconds: two.seconds,
      speedup: one.seconds / two.seconds,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
