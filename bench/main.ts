/**
 * npm run bench: the speed figures of mermap-lab, measured in-process on the compiled build
 * (tsc output: the code users run), printed as tables, or as one JSON object with --json.
 *
 * Targets (issue text): allocator-alone tight >= 100 M pairs/s, full Machine >= 5 M pairs/s,
 * heap flat in N; workload generation >= 10 M events/s; sweep speed-up 1 -> 2 workers >= 1.7x.
 * A native implementation of the tight loop does about 430 M pairs/s on the reference machine.
 */
import { benchCore } from './core.js';

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
  sections.push({ title: 'core', rows: core.map((r) => ({ ...r })) });
  if (!json) {
    console.table(
      core.map((r) => ({
        benchmark: r.name,
        pairs: r.pairs.toExponential(1),
        seconds: r.seconds.toFixed(2),
        'M pairs/s': (r.pairsPerSecond / 1e6).toFixed(1),
        'heap growth (KiB)': (r.heapGrowthBytes / 1024).toFixed(1),
      })),
    );
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
