/**
 * npm run bench: the speed figures of mermap-lab, measured in-process on the compiled build
 * (tsc output: the code users run), printed as tables and, last, the figures of issue 19 beside
 * their targets (targets.ts), or as one JSON object with --json. --quick: smaller sizes, a
 * smoke run of the bench itself (its figures are not comparable to the targets).
 *
 * Beside the allocator's tight loop: a native C model of the same loop (bench/native/tight.c,
 * built with cc -O2 when a C compiler is present), run in the same minute, and the ratio.
 * Memory: the tight rows run 10^8 pairs; their heap growth after GC is the flat-memory check.
 *
 * Replicates: every throughput and the sweep speed-up are measured REPLICATES times (the core
 * loops, each followed by the native model; the slowest workload case; the sweep of real runs on
 * 1 then 2 workers; the default sweep) and shown with their 95 % interval, so that a verdict says
 * 'within noise' rather than flip between yes and NO from run to run (targets.ts). A replicate of
 * the core or of a workload case runs in a process of its own (bench/child.ts says why); each
 * sweep starts its own workers. The bench's own time is measured once; the heap growth is the
 * largest of the core's replicates.
 */
import type { CoreBenchRow } from './core.js';
import { nativeTightPairsPerSecond } from './native.js';
import { benchDefaultPointsWarm, benchDefaultSweep, benchSweep, benchSweepRealRuns } from './sweep.js';
import {
  type Figure,
  figureRows,
  hostSlow,
  loadNote,
  QUIET_NATIVE_PAIRS_PER_SECOND,
  replicated,
  TARGETS,
  verdict,
} from './targets.js';
import { benchTrace } from './trace.js';
import { benchWorkloads } from './workloads.js';
import { coreInChild, FULL_CORE, QUICK_CORE, workloadInChild } from './replicate.js';
import { V8_INLINING_FLAGS, widenV8Inlining } from '../src/util/v8-inlining.js';
import { toleratePipeClose } from '../src/cli/closed-pipe.js';

/** Measurements of each replicated figure (2 with --quick). */
const REPLICATES = 3;
/** The sweep speed-up's section and figure name. */
const SPEEDUP_FIGURE = 'sweep of real runs, 1 -> 2 workers';

interface Section {
  title: string;
  rows: readonly object[];
}

/** `run` n times, one after the other (never side by side: each measures the whole machine). */
async function inTurn<T>(n: number, run: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < n; k++) out.push(await run());
  return out;
}

async function main(): Promise<void> {
  // the CLI's V8 inlining budget (src/util/v8-inlining.ts), so the figures are what a sweep gets
  const tuned = widenV8Inlining();
  // `npm run bench | head`: the bench runs on and still removes its temporary folders
  toleratePipeClose(process.stdout);
  toleratePipeClose(process.stderr);
  const started = performance.now();
  const json = process.argv.includes('--json');
  const quick = process.argv.includes('--quick');
  const sections: Section[] = [];
  const load0 = loadNote();
  const say = (s: string) => {
    if (!json) process.stdout.write(`${s}\n`);
  };
  const section = (title: string, rows: readonly object[]) => {
    sections.push({ title, rows });
    say(`${title}:`);
    if (!json) console.table(rows);
  };
  say(`(${load0} at the start)`);
  say(tuned ? `(V8 ${V8_INLINING_FLAGS.join(' ')}, as the CLI)` : '(V8 defaults: MERMAP_LAB_V8_DEFAULTS=1)');

  const replicates = quick ? 2 : REPLICATES;
  // each core run (a process of its own) followed by the native model of the allocator's tight
  // loop (null: no C compiler)
  const cores: CoreBenchRow[][] = [];
  const natives: Array<number | null> = [];
  for (let k = 0; k < replicates; k++) {
    cores.push(coreInChild(quick ? QUICK_CORE : FULL_CORE));
    natives.push(nativeTightPairsPerSecond(quick ? 100_000_000 : 500_000_000));
  }
  section(
    'core: get/put pairs per second (one CPU, R = 512 pages)',
    cores.flatMap((core, k) =>
      core.map((r) => ({
        replicate: k + 1,
        benchmark: r.name,
        pairs: r.pairs.toExponential(1),
        seconds: +r.seconds.toFixed(2),
        'M pairs/s': +(r.pairsPerSecond / 1e6).toFixed(1),
        'heap growth (KiB)': +(r.heapGrowthBytes / 1024).toFixed(1),
      })),
    ),
  );
  const nativeSamples = natives.every((n) => n !== null) ? (natives as number[]) : null;
  if (nativeSamples === null) say('(no C compiler: the native model of the tight loop was not run)');
  const native = nativeSamples === null ? null : replicated(nativeSamples).value;
  /** a core figure's replicates: its pairs per second in each run */
  const coreSamples = (name: string) => cores.map((core) => core.find((r) => r.name === name)!.pairsPerSecond);
  const machineTight = cores.map((core) => core.find((r) => r.name === 'tight / full machine')!);

  const workloads = await benchWorkloads({ quick });
  section('workload generation, events per second', workloads);
  // the slowest case again, each time in a process of its own: the figure's replicates
  const slowest = workloads.reduce((a, b) => (b.eventsPerSecond < a.eventsPerSecond ? b : a));
  const slowestSamples = Array.from({ length: replicates }, () => workloadInChild(slowest.name, quick));
  const trace = await benchTrace({ quick });
  section('trace reading', [trace]);
  const fake = await benchSweep(quick ? { work: 20_000_000 } : {});
  section('sweep engine, CPU-bound stand-in points, 1 -> 2 workers', [fake]);
  // each replicate a 1-worker run then a 2-worker one, so that both see the same minute's machine
  const reals = await inTurn(replicates, () => benchSweepRealRuns({ quick }));
  section(
    SPEEDUP_FIGURE,
    reals.map((r, k) => ({ replicate: k + 1, ...r })),
  );
  const dflts = await inTurn(replicates, () => benchDefaultSweep({ quick }));
  section(
    'default sweep (a shard of its first round), 2 workers',
    dflts.map((d, k) => ({ replicate: k + 1, ...d })),
  );
  const warm = await benchDefaultPointsWarm({ quick });
  section("default sweep's points on this thread, warm (x2 workers: the 2-worker sweep's ceiling)", [
    { ...warm, 'x2 workers': Math.round(2 * warm.eventsPerSecond) },
  ]);

  const allocator = replicated(coreSamples('tight / allocator alone'));
  // each run's allocator figure over the native model's right after it
  const ofNativeSamples = nativeSamples?.map((n, k) => allocator.samples[k]! / n);
  const figures: Figure[] = [
    {
      figure: 'full machine, tight',
      hostBound: true,
      ...replicated(coreSamples('tight / full machine')),
      unit: 'pairs/s',
      target: TARGETS.machineTightPairsPerSecond,
    },
    {
      figure: 'full machine, window',
      hostBound: true,
      ...replicated(coreSamples('window / full machine')),
      unit: 'pairs/s',
      target: TARGETS.machineWindowPairsPerSecond,
    },
    {
      // the target is a share of the native model's figure (none without a C compiler)
      figure: `allocator alone, tight (>= ${100 * TARGETS.allocatorOfNative} % of native)`,
      ...allocator,
      unit: 'pairs/s',
      target: native === null ? 0 : TARGETS.allocatorOfNative * native,
      native,
      ofNative: ofNativeSamples === undefined ? null : replicated(ofNativeSamples).value,
      ...(ofNativeSamples === undefined ? {} : { ofNativeSamples, ofNativeTarget: TARGETS.allocatorOfNative }),
    },
    {
      figure: SPEEDUP_FIGURE,
      hostBound: true,
      ...replicated(reals.map((r) => r.speedup)),
      unit: 'x',
      target: TARGETS.sweepSpeedup,
    },
    {
      figure: 'default sweep, events per second overall',
      hostBound: true,
      ...replicated(dflts.map((d) => d.eventsPerSecond)),
      unit: 'events/s',
      target: TARGETS.defaultSweepEventsPerSecond,
    },
    {
      figure: `workload generation, slowest case (${slowest.name})`,
      hostBound: true,
      ...replicated(slowestSamples),
      unit: 'events/s',
      target: TARGETS.workloadEventsPerSecond,
    },
    {
      figure: `heap growth over ${machineTight[0]!.pairs.toExponential(0)} pairs, full machine (the most of ${replicates} runs)`,
      value: Math.max(0, ...machineTight.map((r) => r.heapGrowthBytes)),
      runs: replicates,
      unit: 'bytes',
      target: TARGETS.heapGrowthBytes,
      atMost: true,
    },
    {
      figure: 'the whole bench',
      hostBound: true,
      value: (performance.now() - started) / 1000,
      unit: 's',
      target: TARGETS.benchSeconds,
      atMost: true,
    },
  ];
  const load1 = loadNote();
  // the native model's mean says whether this machine is slow now (targets.ts)
  const slowHost = hostSlow(native);
  if (json) {
    const v8Flags = tuned ? V8_INLINING_FLAGS : [];
    const out = {
      node: process.version,
      v8Flags,
      quick,
      load: { start: load0, end: load1 },
      slowHost,
      sections,
      figures,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  say(`issue 19 figures (targets for an idle 2-core machine; ${load1} at the end${quick ? '; --quick sizes' : ''}):`);
  console.table(figureRows(figures, slowHost));
  if (slowHost) {
    const share = (100 * native!) / QUIET_NATIVE_PAIRS_PER_SECOND;
    say(
      `slow host: the native model ran at ${(native! / 1e6).toFixed(0)} M pairs/s, ${share.toFixed(0)} % of its ` +
        `${QUIET_NATIVE_PAIRS_PER_SECOND / 1e6} M on a quiet machine of this kind, so the speeds, times and speed-up ` +
        'it does not meet are not judged (the share of native and the memory still are)',
    );
  }
  const speedup = figures.find((f) => f.figure === SPEEDUP_FIGURE)!;
  if (verdict(speedup, slowHost) !== 'yes') {
    say(
      'the speed-up: each worker thread compiles the simulator for itself, which one worker ' +
        'leaves to the idle core; docs/performance.md, "Sweeps on 2 workers", has where the CPU goes',
    );
  }
  const count = (v: string) => figures.filter((f) => verdict(f, slowHost) === v).length;
  const noise = count('within noise');
  const slow = count('slow host');
  say(
    `${count('yes')} of ${figures.length} targets met` +
      (noise > 0 ? `, ${noise} within noise (the 95 % interval holds the target)` : '') +
      (slow > 0 ? `, ${slow} not judged (slow host)` : ''),
  );
  say('the allocator alone against the code issue 19 was filed on ("no regression"): npm run bench:baseline');
}

await main();
