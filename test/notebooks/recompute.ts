/**
 * Recompute, from the library sources, every number a notebook states: the same scenarios and
 * runs the notebook describes, from the parameters it recorded in its facts file. The notebook
 * test compares the result with the facts file and with the executed notebook's text, so a
 * number typed into a notebook by hand (or computed from something else) fails.
 *
 * This is deliberately written apart from the notebooks (not shared with them): a mistake in a
 * notebook's computation shows up as a mismatch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ml from '../../src/index.js';

export type FactValue = ml.FactValue;
type Params = Record<string, unknown>;
type Row = Record<string, ml.Cell>;

const mean = (rows: ReadonlyArray<Record<string, unknown>>, k: string): number =>
  rows.reduce((a, r) => a + Number(r[k]), 0) / rows.length;

async function gridRows(base: unknown, grid: unknown): Promise<Row[]> {
  const runs = await ml.runGrid(ml.gridPoints(base as ml.RunConfigInput, grid as Record<string, ml.GridValue[]>));
  return runs.map((r) => r.row);
}

function reasonOf(res: ml.ReplayResult): string {
  return 'reason' in res && res.reason !== null && res.reason !== undefined ? String(res.reason) : 'ok';
}
function offsetOf(res: ml.ReplayResult): number {
  return 'offset' in res && res.offset !== null ? res.offset : -1;
}

// -------------------------------------------------------------------------------- 00-template

async function template(p: Params): Promise<Record<string, FactValue>> {
  const base = { ...ml.presetConfig(p.preset as string), length: { events: p.events as number } };
  const run = ml.runConfig(ml.parseRunConfig(base)).summary;
  const rows = await gridRows(base, p.grid);
  let most = rows[0];
  for (const r of rows) if (Number(r.flushesPer1000Gets) > Number(most.flushesPer1000Gets)) most = r;
  return {
    'run.events': p.events as number,
    'run.gets': run.gets,
    'run.flushes': run.flushes,
    'run.fallbackRate': run.fastPathFailuresPerAllocation,
    'sweep.points': rows.length,
    'sweep.variant': most.variant as string,
    'sweep.regionPages': most.regionPages as number,
    'sweep.flushes': most.flushesPer1000Gets as number,
  };
}

// ------------------------------------------------------------------------------------ 01-tour

async function tour(p: Params): Promise<Record<string, FactValue>> {
  const script = p.seedScript as string[];
  const R = p.seedRegionPages as number;
  const replayer = new ml.Replayer({
    possibleCpus: 1,
    regionPages: R,
    variant: p.seedVariant as string,
    tlb: 'tiny',
  });
  const tracer = new ml.RegionTracer(replayer.machine, 0, 0);
  replayer.machine.addObserver(tracer);
  const steps = script.map((line) => {
    const op = ml.parseReplayLine(line)!;
    const res = replayer.apply(op);
    return { op, res, text: tracer.render() };
  });
  const drawn = p.kernelDiagram as string[];
  const normal = steps.map((s) => s.text.split('|')[0]);
  let from = 0;
  let matched = 0;
  for (const want of drawn) {
    const k = normal.indexOf(want, from);
    if (k >= 0) {
      matched++;
      from = k + 1;
    }
  }
  const failed = steps.find((s) => s.op.op === 'get' && !s.res.ok)!;
  const last = steps[steps.length - 1];

  const cfg = ml.parseRunConfig({
    ...ml.presetConfig(p.runPreset as string),
    length: { events: p.runEvents as number },
  });
  const s = ml.runConfig(cfg, { regionTimeline: true }).summary;
  return {
    'seed.allOrOnly': matched === drawn.length ? 'All' : 'Only',
    'seed.matched': matched,
    'seed.kernelStates': drawn.length,
    'seed.failReason': reasonOf(failed.res),
    'seed.flushes': last.res.flushes,
    'seed.wrapOffset': offsetOf(last.res),
    'run.regionPages': cfg.mermap.regionPages,
    'run.cpus': cfg.machine.onlineCpus,
    'run.gets': s.gets,
    'run.flushes': s.flushes,
    'run.flushesPer1000Gets': s.flushesPer1000Gets,
    'run.fastPathFailures': s.fastPathFailures,
    'run.fallbackRate': s.fastPathFailuresPerAllocation,
    'run.fallbackPages': s.fallbackPages,
    'run.wastedVa': s.wastedVa.meanFraction,
    'run.discardedPerFlush': s.tlb.discardedPerFlush,
    'run.collateralPerFlush': s.tlb.collateralPerFlush,
    'run.costShare': s.cost.overheadFraction,
  };
}

// ------------------------------------------------------------------------- 02-region-size-tuning

async function regionSize(p: Params): Promise<Record<string, FactValue>> {
  const rows = await gridRows(p.base, p.grid);
  const grid = p.grid as Record<string, Array<string | number>>;
  const targets = p.targets as ml.Targets;
  const out: Record<string, FactValue> = {};
  const fewest = Math.min(...(grid['mermap.slots'] as number[]));
  const largest = Math.max(...(grid['mermap.regionPages'] as number[]));
  const at = (v: string) => rows.filter((r) => r.variant === v && r.regionPages === largest && r.slots === fewest);
  const v1 = at('rfc-v1');
  const later = at('rfc-later');
  if (v1.length > 0 && later.length > 0) {
    Object.assign(out, {
      'slots.fewest': fewest,
      'slots.regionPages': largest,
      'slots.v1FailedGets': mean(v1, 'failureRate'),
      'slots.laterFailedGets': mean(later, 'failureRate'),
      'slots.v1NoSlot': mean(v1, 'failuresNoSlot'),
      'slots.laterNoSlot': mean(later, 'failuresNoSlot'),
      'slots.v1FallbackRate': mean(v1, 'fastPathFailuresPerAllocation'),
      'slots.laterFallbackRate': mean(later, 'fastPathFailuresPerAllocation'),
    });
  }
  const cpus = (p.base as { machine: { possibleCpus: number } }).machine.possibleCpus;
  // half the 95 % interval (0 without one: n = 1)
  const half = (e: ml.Estimate): number => (e.ci95 === null ? 0 : (e.ci95[1] - e.ci95[0]) / 2);
  for (const r of ml.recommendWithIntervals(rows, targets)) {
    const v = r.variant;
    out[`rec.${v}.variant`] = v;
    out[`rec.${v}.fallbackTarget`] = targets.maxFallbackRate;
    out[`rec.${v}.flushTarget`] = targets.maxFlushCostFraction;
    out[`rec.${v}.verdict`] = r.verdict;
    if (r.regionPages !== null) {
      out[`rec.${v}.regionPages`] = r.regionPages;
      out[`rec.${v}.size`] = ml.pagesToSize(r.regionPages);
      out[`rec.${v}.slots`] = r.slots!;
      out[`rec.${v}.fallbackRate`] = r.fallbackRate!.mean;
      out[`rec.${v}.fallbackHalf`] = half(r.fallbackRate!);
      out[`rec.${v}.flushCost`] = r.flushCostFraction!.mean;
      out[`rec.${v}.flushHalf`] = half(r.flushCostFraction!);
      out[`rec.${v}.n`] = r.fallbackRate!.n;
      out[`rec.${v}.pageTablesKiB`] = r.pageTableBytesPerMm! / 1024;
      out[`rec.${v}.cpus`] = cpus;
    } else {
      out[`rec.${v}.reason`] = r.reason;
    }
  }
  return out;
}

// -------------------------------------------------------------------------------- 03-cpu-scaling

async function cpuScaling(p: Params): Promise<Record<string, FactValue>> {
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

// ------------------------------------------------------------------------------- 04-review-bugs

async function reviewBugs(p: Params): Promise<Record<string, FactValue>> {
  const R = p.regionPages as number;
  const get = (
    tag: string,
    pages = 1,
    o: { cpu?: number; reserved?: boolean; global?: boolean } = {},
  ): ml.ReplayOp => ({
    op: 'get',
    cpu: o.cpu ?? 0,
    pages,
    tag,
    reserved: o.reserved ?? false,
    prot: o.global ? 'global' : 'noglobal',
  });
  const put = (tag: string): ml.ReplayOp => ({ op: 'put', tag });
  const replay = (variant: string, ops: ml.ReplayOp[], possibleCpus = 1) => {
    const r = new ml.Replayer({ possibleCpus, regionPages: R, variant, tlb: 'tiny' });
    return ops.map((op) => r.apply(op));
  };
  const kinds = (res: ml.ReplayResult) => res.violations.map((v) => v.kind);

  const b81Ops = [get('a'), get('b'), get('c'), get('d'), get('r', 1, { reserved: true })];
  const b81v1 = replay('rfc-v1', b81Ops);
  const b81later = replay('rfc-later', b81Ops);

  const b82Ops = [get('r', 1, { reserved: true }), put('r')];
  const locks = (rs: ml.ReplayResult[]) => rs.flatMap(kinds).filter((k) => k === 'lock_in_atomic').length;

  const pteFault = (variant: string) => {
    const m = new ml.Machine({ possibleCpus: 2, regionPages: R, variant, tlb: 'tiny' });
    const mm = m.createMm();
    const task = m.createTask(mm, 0);
    let first = true;
    m.pteWriteFault = () => {
      const f = first;
      first = false;
      return f;
    };
    const h = m.mermapGet(task, 2, 0x1000);
    const depth = m.migrateDisableDepth(task);
    const next = m.allocator(mm).nextOffset(0);
    const h2 = m.mermapGet(task, 1, 0x2000);
    const offset2 = m.allocator(mm).lastBase - ml.cpuBaseVpn(m.geometry, 0);
    m.mermapPut(task, h2);
    return {
      reason: ml.reasonName(h),
      depth,
      next,
      offset2,
      depthAfter: m.migrateDisableDepth(task),
      migrate: m.migrate(task, 1) ? 'allowed' : 'refused',
      kinds: m.checker.violations.map((v) => v.kind).join(', '),
    };
  };
  const b83v1 = pteFault('rfc-v1');
  const b83later = pteFault('rfc-later');

  const b84global = replay('rfc-v1', [get('g', 1, { reserved: true, global: true })])[0];
  const irq = new ml.Replayer({ possibleCpus: 1, regionPages: R, variant: 'rfc-v1', tlb: 'tiny' });
  irq.machine.setInTask(0, false);
  const b84irq = irq.apply(get('irq', 1, { reserved: true }));

  const b86Ops = [get('fill', 15), put('fill'), get('top', 1, { reserved: true }), put('top'), get('past-end', 2)];
  const lastOf = (rs: ml.ReplayResult[]) => rs[rs.length - 1];
  const dev = lastOf(replay('dev-snapshot', b86Ops, 2));
  const v1 = lastOf(replay('rfc-v1', b86Ops, 2));
  const cpu1 = lastOf(replay('dev-snapshot', [get('x', 1, { cpu: 1 }), put('x'), ...b86Ops], 2));
  // a live reserved allocation at the top page, then a nested normal get (rfc-v1's remaining hole)
  const hole = lastOf(
    replay('rfc-v1', [get('fill', 15), put('fill'), get('top', 1, { reserved: true }), get('nested', 2)], 2),
  );
  // rfc-later: a get while the reserve slot is busy flushes before it fails; the page is mapped again with no flush
  const quirk = replay('rfc-later', [
    get('a', 15),
    put('a'),
    get('r', 1, { reserved: true }),
    get('nested'),
    put('r'),
    get('b', 15),
    put('b'),
    get('again', 1, { reserved: true }),
  ]);

  const m = new ml.Machine({ possibleCpus: 2, regionPages: R, variant: 'rfc-v1', tlb: 'tiny' });
  const mm = m.createMm();
  m.createTask(mm, 0);
  m.mermapGet(m.createTask(mm, 1), 3, 0x3000);
  const t0 = m.mermapMmTeardown(mm, 0);
  const t1 = m.mermapMmTeardown(mm, 1);

  return {
    'b81.v1.normalOk': b81v1.slice(0, 4).filter((r) => r.ok).length,
    'b81.v1.reservedReason': reasonOf(b81v1[4]),
    'b81.later.fourthReason': reasonOf(b81later[3]),
    'b81.later.reservedOffset': offsetOf(b81later[4]),
    'b82.v1.lockInAtomic': locks(replay('rfc-v1', b82Ops)),
    'b82.later.lockInAtomic': locks(replay('rfc-later', b82Ops)),
    'b83.v1.reason': b83v1.reason,
    'b83.v1.depth': b83v1.depth,
    'b83.v1.kinds': b83v1.kinds,
    'b83.v1.next': b83v1.next,
    'b83.v1.offset2': b83v1.offset2,
    'b83.v1.depthAfter': b83v1.depthAfter,
    'b83.v1.migrate': b83v1.migrate,
    'b83.later.depth': b83later.depth,
    'b83.later.migrate': b83later.migrate,
    'b84.globalReason': reasonOf(b84global),
    'b84.irqReason': reasonOf(b84irq),
    'b86.dev.offset': offsetOf(dev),
    'b86.dev.flushes': dev.flushes,
    'b86.dev.kinds': kinds(dev).join(', '),
    'b86.v1.offset': offsetOf(v1),
    'b86.v1.flushes': v1.flushes,
    'b86.cpu1.kinds': kinds(cpu1).sort().join(', '),
    'b86.hole.regionPages': R,
    'b86.hole.pages': 2,
    'b86.hole.offset': offsetOf(hole),
    'b86.hole.flushes': hole.flushes,
    'b81.quirk.reserveOffset': offsetOf(quirk[2]),
    'b81.quirk.nestedReason': reasonOf(quirk[3]),
    'b81.quirk.nestedFlushes': quirk[3].flushes,
    'b81.quirk.againOffset': offsetOf(quirk[7]),
    'b81.quirk.againFlushes': quirk[7].flushes,
    'b87.cpu0.warned': t0.warned ? 'warns' : 'does not warn',
    'b87.cpu0.seen': t0.slotsSeen,
    'b87.cpu0.missed': t0.slotsMissed,
    'b87.cpu1.warned': t1.warned ? 'warn' : 'stay silent',
  };
}

// ---------------------------------------------------------------------------- 05-flush-policies

async function flushPolicies(p: Params): Promise<Record<string, FactValue>> {
  const points = ml.gridPoints(p.base as ml.RunConfigInput, p.grid as Record<string, ml.GridValue[]>).map((pt) => ({
    ...pt,
    config: ml.parseRunConfig({
      ...pt.config,
      mermap: { ...pt.config.mermap, slots: ml.defaultSlots(pt.config.mermap.variant) },
    }),
  }));
  const runs = await ml.runGrid(points);
  const by = new Map(runs.map((r) => [String(r.row.variant), r.summary]));
  const out: Record<string, FactValue> = {};
  const s1 = by.get('rfc-v1');
  if (s1) {
    Object.assign(out, {
      'rfc-v1.flushesPer1000Gets': s1.flushesPer1000Gets,
      'rfc-v1.invlpgsPer1000Gets': s1.invlpgsPer1000Gets,
      'rfc-v1.collateralPerFlush': s1.tlb.collateralPerFlush,
      'rfc-v1.mermapPerFlush': s1.tlb.perFlush.mermap,
      'rfc-v1.cyclesPerGet': s1.cost.perGetCycles,
      'rfc-v1.exposureMean': s1.exposure.meanNs,
    });
  }
  const a = by.get('rfc-later');
  const b = by.get('mermap-invpcid');
  if (a && b) {
    Object.assign(out, {
      'mermap-invpcid.flushesPer1000Gets': b.flushesPer1000Gets,
      'rfc-later.flushesPer1000Gets': a.flushesPer1000Gets,
      'mermap-invpcid.collateralPerFlush': b.tlb.collateralPerFlush,
      'rfc-later.collateralPerFlush': a.tlb.collateralPerFlush,
      'rfc-later.cyclesPerGet': a.cost.perGetCycles,
      'mermap-invpcid.cyclesPerGet': b.cost.perGetCycles,
      'mermap-invpcid.exposureVsRfcLater': b.exposure.meanNs > a.exposure.meanNs ? 'longer' : 'not longer',
      'mermap-invpcid.exposureMean': b.exposure.meanNs,
      'rfc-later.exposureMean': a.exposure.meanNs,
    });
  }
  const f = by.get('flush-on-put');
  if (f) {
    Object.assign(out, {
      'flush-on-put.invlpgsPer1000Gets': f.invlpgsPer1000Gets,
      'flush-on-put.flushesPer1000Gets': f.flushesPer1000Gets,
      'flush-on-put.cyclesPerGet': f.cost.perGetCycles,
      'flush-on-put.exposureMean': f.exposure.meanNs,
    });
  }
  const k = by.get('kmap-local');
  if (k) {
    Object.assign(out, {
      'kmap-local.tooLarge': k.failures.too_large,
      'kmap-local.fallbackRate': k.fastPathFailuresPerAllocation,
      'kmap-local.fallbackPages': k.fallbackPages,
      'kmap-local.flushes': k.flushes,
      'kmap-local.invlpgsPer1000Gets': k.invlpgsPer1000Gets,
    });
  }
  const v = by.get('vmap-block');
  if (v) {
    Object.assign(out, {
      'vmap-block.shootdowns': v.machine.shootdowns,
      'vmap-block.ipis': v.machine.ipis,
      'vmap-block.cyclesPerGet': v.cost.perGetCycles,
    });
  }
  const sorted = [...by.entries()].sort((x, y) => x[1].cost.perGetCycles - y[1].cost.perGetCycles);
  out['rank.cheapest'] = sorted[0][0];
  out['rank.cheapestCycles'] = sorted[0][1].cost.perGetCycles;
  out['rank.dearest'] = sorted[sorted.length - 1][0];
  out['rank.dearestCycles'] = sorted[sorted.length - 1][1].cost.perGetCycles;
  return out;
}

// ---------------------------------------------------------------------------- 06-trace-replay

async function traceReplay(p: Params): Promise<Record<string, FactValue>> {
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

/** Each notebook's recomputation, by notebook name. */
export const RECOMPUTE: Record<string, (params: Params) => Promise<Record<string, FactValue>>> = {
  '00-template': template,
  '01-tour': tour,
  '02-region-size-tuning': regionSize,
  '03-cpu-scaling': cpuScaling,
  '04-review-bugs': reviewBugs,
  '05-flush-policies': flushPolicies,
  '06-trace-replay': traceReplay,
};
