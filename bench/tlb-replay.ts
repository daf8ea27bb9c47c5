/**
 * npm run bench:tlb: what the TLB model costs a default-sweep point, and an exact check for a
 * new TLB design (bench/sweep.ts, on the default sweep's points, says why it is the part to win
 * on).
 *
 * Each point of POINTS (two of the default sweep's first round) runs once with every call its
 * Machine makes on its TLBs recorded (./tlb-record.ts: the method, its arguments and the
 * Machine's clock, one record of LOG_FIELDS doubles per call). The records are then replayed into the TLBs of a
 * Machine built afresh from the same config, RUNS times, timed; the point itself runs RUNS times
 * unrecorded, timed, before any recording. Printed per point: the calls, the point's time and
 * the replay's (min and median), the TLBs' share of the point (at most: the replay's time
 * includes its own loop, which took about 8 ms of the first point's when it fed TLBs that do
 * nothing, November 2026), and a digest of every TLB's counters and cached entries after the
 * replay.
 *
 * The recorded run's own TLBs must end with the same digest (exit status 1 if not): that checks
 * that the records hold every call, so that the replay's time is the TLBs' work
 * (test/bench/tlb-record.test.ts checks it for every allocator). A new TLB
 * design behaves as the current one on these points when its digests equal those this bench
 * prints on the commit before it (both runs record the stream anew: nothing is stored). The
 * shadow TLB, off in the default sweep, is not recorded.
 */
import { parseRunConfig, type RunConfig } from '../src/config/index.js';
import { Machine } from '../src/core/machine.js';
import { machineConfigOf, runSummary } from '../src/run/run.js';
import { planSweep } from '../src/sweep/plan.js';
import { widenV8Inlining } from '../src/util/v8-inlining.js';
import { defaultFirstRound } from './sweep.js';
import { digest, LOG_FIELDS, recordRun, replay } from './tlb-record.js';

/** Timed runs of each point and of each replay. */
const RUNS = 5;

/** The default sweep's points replayed: version, region pages (2 slots, 64 possible CPUs). */
const POINTS: ReadonlyArray<{ variant: string; regionPages: number }> = [
  { variant: 'rfc-later', regionPages: 128 },
  { variant: 'rfc-v1', regionPages: 512 },
];

function pointConfig(variant: string, regionPages: number): RunConfig {
  const plan = planSweep(defaultFirstRound('bench-tlb'));
  for (let i = 0; i < plan.size; i++) {
    const c = plan.point(i).config as {
      machine: { possibleCpus: number };
      mermap: { variant: string; regionPages: number; slots: number };
      workload: Record<string, unknown>;
    };
    const m = c.mermap;
    // the main grid's point (a workload scenario changes the workload: not one of those)
    if (m.variant !== variant || m.regionPages !== regionPages || m.slots !== 2 || c.machine.possibleCpus !== 64)
      continue;
    if (Object.keys(c.workload).some((k) => k !== 'kind' && k !== 'tlbPressure')) continue;
    return parseRunConfig(c, 'bench:tlb point');
  }
  throw new Error(`bench:tlb: the default sweep has no point ${variant}, ${regionPages} pages`);
}

function ms(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function minMedian(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0]!.toFixed(1)} / ${s[s.length >> 1]!.toFixed(1)}`;
}

function main(): void {
  widenV8Inlining(); // as the CLI's workers run
  const configs = POINTS.map((p) => pointConfig(p.variant, p.regionPages));
  // the points first, before recording makes the Machine's calls on its TLBs polymorphic
  const pointMs = configs.map((config) => {
    runSummary(config); // warm-up
    return Array.from({ length: RUNS }, () => ms(() => runSummary(config)));
  });
  const recorded = configs.map(recordRun);
  const replays = configs.map((config, k) => {
    const times: number[] = [];
    let last = '';
    for (let r = 0; r < RUNS; r++) {
      const m = new Machine(machineConfigOf(config));
      times.push(ms(() => replay(recorded[k]!.log, m.tlbs, m.clock)));
      last = digest(m.tlbs);
    }
    return { times, digest: last };
  });
  const rows = POINTS.map((p, k) => {
    const { log, runDigest } = recorded[k]!;
    const { times, digest: replayDigest } = replays[k]!;
    return {
      point: `${p.variant}, ${p.regionPages} pages`,
      calls: log.length / LOG_FIELDS,
      'point ms (min / median)': minMedian(pointMs[k]!),
      'replay ms (min / median)': minMedian(times),
      'TLB share % (at most)': +((100 * Math.min(...times)) / Math.min(...pointMs[k]!)).toFixed(1),
      digest: replayDigest,
      'same as the run': replayDigest === runDigest ? 'yes' : `NO (the run's: ${runDigest})`,
    };
  });
  console.table(rows);
  if (rows.some((r) => r['same as the run'] !== 'yes')) {
    process.stderr.write('bench:tlb: a replay did not leave the TLBs as its run did\n');
    process.exitCode = 1;
  }
}

main();
