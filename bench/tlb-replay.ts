/**
 * npm run bench:tlb: what the TLB model costs a default-sweep point, and an exact check for a
 * new TLB design (bench/sweep.ts, on the default sweep's points, says why it is the part to win
 * on).
 *
 * Each point of POINTS (two of the default sweep's first round) runs once with every call its
 * Machine makes on its TLBs recorded: the method, its arguments and the Machine's clock, one
 * record of LOG_FIELDS doubles per call. The records are then replayed into the TLBs of a
 * Machine built afresh from the same config, RUNS times, timed; the point itself runs RUNS times
 * unrecorded, timed, before any recording. Printed per point: the calls, the point's time and
 * the replay's (min and median), the TLBs' share of the point (at most: the replay's time
 * includes its own loop, which took about 8 ms of the first point's when it fed TLBs that do
 * nothing, November 2026), and a digest of every TLB's counters and cached entries after the
 * replay.
 *
 * The recorded run's own TLBs must end with the same digest (exit status 1 if not): that checks
 * that the records hold every call, so that the replay's time is the TLBs' work. A new TLB
 * design behaves as the current one on these points when its digests equal those this bench
 * prints on the commit before it (both runs record the stream anew: nothing is stored). The
 * shadow TLB, off in the default sweep, is not recorded.
 */
import { createHash } from 'node:crypto';
import { parseRunConfig, type RunConfig } from '../src/config/index.js';
import { Machine } from '../src/core/machine.js';
import type { Tlb } from '../src/core/tlb/index.js';
import { machineConfigOf, runSummary } from '../src/run/run.js';
import { planSweep } from '../src/sweep/plan.js';
import { widenV8Inlining } from '../src/util/v8-inlining.js';
import { defaultFirstRound } from './sweep.js';

/** The Tlb methods the Machine calls, and each one's code in a record. */
const CODE = {
  hit: 0,
  hitShadow: 1,
  walked: 2,
  flushAll: 3,
  flushPcid: 4,
  forgetPcid: 5,
  invlpg: 6,
  markStale: 7,
  markStaleOffset: 8,
} as const;
type Method = keyof typeof CODE;

/** A record: CPU, method code, four arguments (booleans as 0 or 1), clock.op, clock.ns. */
const LOG_FIELDS = 8;
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

/** A growable log of records. */
class Log {
  data = new Float64Array(1 << 20);
  length = 0;
  push(cpu: number, method: number, a: number, b: number, c: number, d: number, op: number, ns: number): void {
    if (this.length + LOG_FIELDS > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const x = this.data;
    const i = this.length;
    x[i] = cpu;
    x[i + 1] = method;
    x[i + 2] = a;
    x[i + 3] = b;
    x[i + 4] = c;
    x[i + 5] = d;
    x[i + 6] = op;
    x[i + 7] = ns;
    this.length = i + LOG_FIELDS;
  }
}

/**
 * Record every call on the machine's TLBs into `log`: each TLB is replaced by a proxy whose
 * methods log the call and then run on the TLB itself, so the TLB's own code only ever sees TLBs
 * (the Machine's code sees the proxies: a point timed after this would run slower).
 */
function record(machine: Machine, log: Log): void {
  machine.tlbs.forEach((tlb, cpu) => {
    machine.tlbs[cpu] = new Proxy(tlb, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof prop !== 'string' || !Object.hasOwn(CODE, prop)) return value;
        const code = CODE[prop as Method];
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const n = (k: number) => Number(args[k] ?? 0);
          log.push(cpu, code, n(0), n(1), n(2), n(3), machine.clock.op, machine.clock.ns);
          return method.apply(target, args);
        };
      },
    });
  });
}

/** The records replayed into `tlbs`, with `clock` set as it was at each call. */
function replay(log: Log, tlbs: readonly Tlb[], clock: { op: number; ns: number }): void {
  const x = log.data;
  for (let i = 0; i < log.length; i += LOG_FIELDS) {
    const t = tlbs[x[i]!]!;
    clock.op = x[i + 6]!;
    clock.ns = x[i + 7]!;
    const a = x[i + 2]!;
    const b = x[i + 3]!;
    const c = x[i + 4]!;
    const d = x[i + 5]!;
    switch (x[i + 1]) {
      case CODE.hit:
        t.hit(a, b);
        break;
      case CODE.hitShadow:
        t.hitShadow(a, b);
        break;
      case CODE.walked:
        t.walked(a, b, c, d);
        break;
      case CODE.flushAll:
        t.flushAll(a, b === 1);
        break;
      case CODE.flushPcid:
        t.flushPcid(a, b, c === 1, d as Parameters<Tlb['flushPcid']>[3]);
        break;
      case CODE.forgetPcid:
        t.forgetPcid(a);
        break;
      case CODE.invlpg:
        t.invlpg(a, b);
        break;
      case CODE.markStale:
        t.markStale(a, b);
        break;
      case CODE.markStaleOffset:
        t.markStaleOffset(a, b);
        break;
    }
  }
}

/** Every TLB's counters and cached entries, hashed. */
function digest(tlbs: readonly Tlb[]): string {
  const h = createHash('sha1');
  for (const t of tlbs) {
    const counters = [
      t.l1Hits,
      t.stlbHits,
      t.misses,
      t.fills,
      t.evictions,
      t.refillsAfterFlush,
      t.mermapLive,
      t.staleHits,
      t.staleDropped,
      t.exposureOps,
      t.exposureNs,
      t.maxExposureOps,
      t.maxExposureNs,
      t.validEntries(),
      t.staleLive(),
      t.rememberedKeys(),
    ];
    h.update(JSON.stringify([counters, [...t.flushes], [...t.discarded], t.snapshot()]));
  }
  return h.digest('hex').slice(0, 12);
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
  const recorded = configs.map((config) => {
    const log = new Log();
    const seen: Machine[] = [];
    runSummary(config, {
      onMachine: (m) => {
        seen.push(m);
        record(m, log);
      },
    });
    return { log, digest: digest(seen[0]!.tlbs) };
  });
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
    const { log, digest: runDigest } = recorded[k]!;
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
