/**
 * npm run bench: the speed figures of mermap-lab, measured in-process on the compiled build
 * (tsc output: the code users run), printed as tables, or as one JSON object with --json.
 *
 * Targets (issue 19, on an idle 2-core machine): full machine >= 20 M pairs/s (tight) and >= 8 M
 * (window); allocator alone no slower, and >= 25 % of the native model; sweep of real runs
 * 1 -> 2 workers >= 1.8x; default sweep >= 6 M events/s; heap flat in N; the whole bench < 3 min.
 * Workload generation alone: >= 10 M events/s.
 * Beside the allocator's tight loop: a native C model of the same loop (bench/native/tight.c, built
 * with cc -O2 when a C compiler is present), run in the same minute, and the ratio.
 */
import { benchCore } from './core.js';
import { nativeTightPairsPerSecond } from './native.js';

interface Section {
  title: string;
  rows: Array<Record<string, string | number>>;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const quick = process.argv.includes('--quick');
  const sections: Section[] = [];
  const say = (s: string) => {
    if (!json) process.stdout.write(`${s}\n`);
  };

  say('core: get/put pairs per second (one CPU, R = 512 pages)');
  const core = benchCore(quick ? { allocatorPairs: 10_000_000, machinePairs: 1_000_000 } : {});
  // the native model of the allocator's tight loop, measured right after it (null: no C compiler)
  const native = nativeTightPairsPerSecond(quick ? 100_000_000 : 500_000_000);
  const coreRows = core.map((r) => {
    const vsNative = native !== null && r.name === 'tight / allocator alone';
    return {
      ...r,
      nativePairsPerSecond: vsNative ? native : null,
      ofNative: vsNative ? r.pairsPerSecond / native : null,
    };
  });
  sections.push({ title: 'core', rows: coreRows as unknown as Array<Record<string, string | number>> });
  if (!json) {
    console.table(
      coreRows.map((r) => ({
        benchmark: r.name,
        pairs: r.pairs.toExponential(1),
        seconds: r.seconds.toFixed(2),
        'M pairs/s': (r.pairsPerSecond / 1e6).toFixed(1),
        'native M pairs/s': r.nativePairsPerSecond === null ? '' : (r.nativePairsPerSecond / 1e6).toFixed(1),
        'of native': r.ofNative === null ? '' : `${(100 * r.ofNative).toFixed(1)} %`,
        'heap growth (KiB)': (r.heapGrowthBytes / 1024).toFixed(1),
      })),
    );
    if (native === null) say('(no C compiler: the native model of the tight loop was not run)');
  }

  for (const extra of ['./workloads.js', './trace.js', './sweep.js']) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(extra)) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('bench') || typeof fn !== 'function') continue;
      const result = (await (fn as (o: { quick: boolean }) => Promise<unknown>)({ quick })) as unknown;
      const rows = (Array.isArray(result) ? result : [result]) as Array<Record<string, string | number>>;
      sections.push({ title: name, rows });
      say(`${name}:`);
      if (!json) console.table(rows);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ node: process.version, sections }, null, 2)}\n`);
}

await main();
