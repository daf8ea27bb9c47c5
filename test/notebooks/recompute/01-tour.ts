/** Recomputes the facts notebooks/01-tour.ipynb states: the seed script's replay and the default run. */
import * as ml from '../../../src/index.js';
import { type FactValue, offsetOf, type Params, reasonOf } from './shared.js';

export async function tour(p: Params): Promise<Record<string, FactValue>> {
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
