/** Recomputes the facts notebooks/03-cpu-scaling.ipynb states: page tables, flushes and online CPUs. */
import * as ml from '../../../src/index.js';
import { type FactValue, gridRows, mean, type Params, type Row } from './shared.js';

export async function cpuScaling(p: Params): Promise<Record<string, FactValue>> {
  const cpuCounts = p.cpuCounts as number[];
  const regionPages = p.regionPages as number[];
  const R = p.focusR as number;
  const cap = p.onlineCap as number;
  const pts = ml.pageTableRows({ regionPages, possibleCpus: cpuCounts });
  let agree = 0;
  for (const r of pts) {
    const built = ml.mermapPrepareCost(4, r.regionPages, r.possibleCpus);
    if (built.tablePages === r.pageTablesTablePagesPerMm && built.pteWrites === r.pageTablesSetupPteWrites) agree++;
  }
  const maxCpus = Math.max(...cpuCounts);
  const focus = ml.mermapPrepareCostClosedForm(4, R, maxCpus);
  const g = ml.mermapGeometry(4, R, 1);

  const grid = p.flushGrid as Record<string, number[]>;
  const rows = (await gridRows(p.flushBase, grid)).filter((r) => Number(r.possibleCpus) >= cap);
  const perKey = new Map<string, Set<number>>();
  for (const r of rows) {
    const k = `${r.threadsPerMm}|${r.seed}`;
    perKey.set(k, (perKey.get(k) ?? new Set<number>()).add(Number(r.flushesPer1000Gets)));
  }
  const threads = grid['workload.threadsPerMm'];
  const few = Math.min(...threads);
  const many = Math.max(...threads);
  const at = (t: number) => rows.filter((r) => r.threadsPerMm === t);
  const pinned = (rs: Row[]) => rs.reduce((a, r) => a + Number(r.wastedVaMeanPinnedFraction) * 100, 0) / rs.length;

  // part 3: every CPU online, the run's events growing with them
  const onlineBase = p.onlineBase as { machine: object };
  const counts = p.onlineCounts as number[];
  const perCpu = p.eventsPerCpu as number;
  const seeds = p.seeds as number[];
  const stats: Array<{ cpus: number; cost: ml.Interval; rate: ml.Interval }> = [];
  for (const n of counts) {
    const base = { ...onlineBase, machine: { ...onlineBase.machine, possibleCpus: n }, length: { events: n * perCpu } };
    const rs = await gridRows(base, { seed: seeds });
    if (rs.some((r) => r.cpus !== n)) throw new Error(`03-cpu-scaling: a run at ${n} possible CPUs had others online`);
    stats.push({
      cpus: n,
      cost: ml.interval(rs.map((r) => Number(r.costOverheadFraction))),
      rate: ml.interval(rs.map((r) => Number(r.flushesPer1000Gets))),
    });
  }
  const lo = (iv: ml.Interval) => (iv.ci95 === null ? iv.mean : iv.ci95[0]);
  const hi = (iv: ml.Interval) => (iv.ci95 === null ? iv.mean : iv.ci95[1]);
  const byCost = [...stats].sort((a, b) => a.cost.mean - b.cost.mean);
  const byRate = [...stats].sort((a, b) => a.rate.mean - b.rate.mean);
  const cheap = byCost[0]!;
  const dear = byCost[byCost.length - 1]!;
  const common = Math.max(...stats.map((s) => lo(s.cost))) <= Math.min(...stats.map((s) => hi(s.cost)));
  return {
    'online.perCpu': perCpu,
    'online.focusR': R,
    'online.seeds': seeds.length,
    'online.minCpus': Math.min(...counts),
    'online.maxCpus': Math.max(...counts),
    'online.lowCpus': cheap.cpus,
    'online.lowCost': cheap.cost.mean,
    'online.lowHalf': (hi(cheap.cost) - lo(cheap.cost)) / 2,
    'online.highCpus': dear.cpus,
    'online.highCost': dear.cost.mean,
    'online.highHalf': (hi(dear.cost) - lo(dear.cost)) / 2,
    'online.overlap': common
      ? 'one value lies inside every count’s interval'
      : 'no one value lies inside every count’s interval',
    'online.verdict': common ? 'does not move it beyond the noise of' : 'moves it beyond the noise of',
    'online.lowRateCpus': byRate[0]!.cpus,
    'online.lowRate': byRate[0]!.rate.mean,
    'online.highRateCpus': byRate[byRate.length - 1]!.cpus,
    'online.highRate': byRate[byRate.length - 1]!.rate.mean,
    'pt.agree': agree,
    'pt.points': pts.length,
    'pt.maxCpus': maxCpus,
    'pt.focusR': R,
    'pt.tablePages': focus.tablePages,
    'pt.kib': focus.bytes / 1024,
    'pt.pteWrites': focus.pteWrites,
    'pt.bytesPerCpu': focus.bytes / maxCpus,
    'pt.vaMiB': (maxCpus * R * 4096) / 2 ** 20,
    'pt.fitCpus': Math.floor((g.mmLocalEndVpn - g.baseVpn) / R),
    'pt.x86MaxCpus': ml.MAX_CPUS,
    'flush.onlineCap': cap,
    'flush.maxCpus': Math.max(...grid['machine.possibleCpus']),
    'flush.identical': [...perKey.values()].every((s) => s.size === 1) ? 'identical' : 'not identical',
    'flush.fewThreads': few,
    'flush.fewRate': mean(at(few), 'flushesPer1000Gets'),
    'flush.fewPinned': pinned(at(few)),
    'flush.manyThreads': many,
    'flush.manyRate': mean(at(many), 'flushesPer1000Gets'),
    'flush.manyPinned': pinned(at(many)),
    'flush.manyMin': Math.min(...at(many).map((r) => Number(r.flushesPer1000Gets))),
    'flush.manyMax': Math.max(...at(many).map((r) => Number(r.flushesPer1000Gets))),
  };
}
