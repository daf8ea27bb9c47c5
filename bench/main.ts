/**
 * npm run bench: the speed figures of mermap-lab, measured in-process on the compiled build
 * (tsc output: the code users run), printed as tables and, last, the figures of issue 19 beside
 * their targets (targets.ts), or as one JSON object with --json. --quick: smaller sizes, a
 * smoke run of the bench itself (its figures are not comparable to the targets).
 *
 * Beside the allocator's tight loop: a native C model of the same loop (bench/native/tight.c,
 * built with cc -O2 when a C compiler is present), run in the same minute, and the ratio.
 * Memory: the tight rows run 10^8 pairs; their heap growth after GC is the flat-memory check.
 */
import { benchCore } from './core.js';
import { nativeTightPairsPerSecond } from './native.js';
import { benchDefaultPointsWarm, benchDefaultSweep, benchSweep, benchSweepRealRuns } from './sweep.js';
import { atIssueSpeed, type Figure, figureRows, loadNote, met, TARGETS } from './targets.js';
import { benchTrace } from './trace.js';
import { benchWorkloads } from './workloads.js';
import { V8_INLINING_FLAGS, widenV8Inlining } from '../src/util/v8-inlining.js';

interface Section {
  title: string;
  rows: readonly object[];
}

async function main(): Promise<void> {
  // the CLI's V8 inlining budget (src/util/v8-inlining.ts), so the figures are what a sweep gets
  const tuned = widenV8Inlining();
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

  const core = benchCore(quick ? { allocatorPairs: 10_000_000, machinePairs: 2_000_000 } : {});
  // the native model of the allocator's tight loop, measured right after it (null: no C compiler)
  const native = nativeTightPairsPerSecond(quick ? 100_000_000 : 500_000_000);
  section(
    'core: get/put pairs per second (one CPU, R = 512 pages)',
    core.map((r) => ({
      benchmark: r.name,
      pairs: r.pairs.toExponential(1),
      seconds: +r.seconds.toFixed(2),
      'M pairs/s': +(r.pairsPerSecond / 1e6).toFixed(1),
      'heap growth (KiB)': +(r.heapGrowthBytes / 1024).toFixed(1),
    })),
  );
  if (native === null) say('(no C compiler: the native model of the tight loop was not run)');
  const row = (name: string) => core.find((r) => r.name === name)!;

  const workloads = await benchWorkloads({ quick });
  section('workload generation, events per second', workloads);
  const trace = await benchTrace({ quick });
  section('trace reading', [trace]);
  const fake = await benchSweep(quick ? { work: 20_000_000 } : {});
  section('sweep engine, CPU-bound stand-in points, 1 -> 2 workers', [fake]);
  const real = await benchSweepRealRuns({ quick });
  section('sweep of real runs, 1 -> 2 workers', [real]);
  const dflt = await benchDefaultSweep({ quick });
  section('default sweep (a shard of its first round), 2 workers', [dflt]);
  const warm = await benchDefaultPointsWarm({ quick });
  section("default sweep's points on this thread, warm (x2 workers: the 2-worker sweep's ceiling)", [
    { ...warm, 'x2 workers': Math.round(2 * warm.eventsPerSecond) },
  ]);

  const allocator = row('tight / allocator alone');
  const figures: Figure[] = [
    {
      figure: 'full machine, tight',
      value: row('tight / full machine').pairsPerSecond,
      unit: 'pairs/s',
      target: TARGETS.machineTightPairsPerSecond,
    },
    {
      figure: 'full machine, window',
      value: row('window / full machine').pairsPerSecond,
      unit: 'pairs/s',
      target: TARGETS.machineWindowPairsPerSecond,
    },
    {
      // the target is a share of the native model's figure (none without a C compiler)
      figure: `allocator alone, tight (>= ${100 * TARGETS.allocatorOfNative} % of native)`,
      value: allocator.pairsPerSecond,
      unit: 'pairs/s',
      target: native === null ? 0 : TARGETS.allocatorOfNative * native,
      native,
      ofNative: native === null ? null : allocator.pairsPerSecond / native,
    },
    { figure: 'sweep of real runs, 1 -> 2 workers', value: real.speedup, unit: 'x', target: TARGETS.sweepSpeedup },
    {
      figure: 'default sweep, events per second overall',
      value: dflt.eventsPerSecond,
      unit: 'events/s',
      target: TARGETS.defaultSweepEventsPerSecond,
    },
    {
      figure: 'workload generation, slowest case',
      value: Math.min(...workloads.map((w) => w.eventsPerSecond)),
      unit: 'events/s',
      target: TARGETS.workloadEventsPerSecond,
    },
    {
      figure: `heap growth over ${row('tight / full machine').pairs.toExponential(0)} pairs, full machine`,
      value: Math.max(0, row('tight / full machine').heapGrowthBytes),
      unit: 'bytes',
      target: TARGETS.heapGrowthBytes,
      atMost: true,
    },
    {
      figure: 'the whole bench',
      value: (performance.now() - started) / 1000,
      unit: 's',
      target: TARGETS.benchSeconds,
      atMost: true,
    },
  ];
  // throughputs scaled to the speed of the machine the issue's table was measured on (DERIVED)
  if (native !== null) {
    for (const f of figures) {
      if (f.unit === 'pairs/s' || f.unit === 'events/s') f.atIssueSpeed = atIssueSpeed(f.value, native);
    }
  }
  const load1 = loadNote();
  if (json) {
    const v8Flags = tuned ? V8_INLINING_FLAGS : [];
    const out = { node: process.version, v8Flags, quick, load: { start: load0, end: load1 }, sections, figures };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  say(`issue 19 figures (targets for an idle 2-core machine; ${load1} at the end${quick ? '; --quick sizes' : ''}):`);
  console.table(figureRows(figures));
  say(`${figures.filter(met).length} of ${figures.length} targets met`);
}

await main();
