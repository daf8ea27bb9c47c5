import fc from 'fast-check';
import { expect } from 'vitest';
import { Machine, type MachineConfig } from '../../src/core/machine.js';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics, type MetricsOptions } from '../../src/analysis/metrics/run-metrics.js';
import { Replayer } from '../../src/core/replay.js';

/**
 * A machine and its collector, driven like the run driver does: tick(time, op) before every
 * event, the machine's clock set to the same (time, op), op counting up from 0.
 */
export class Driven {
  readonly machine: Machine;
  readonly metrics: RunMetrics;
  op = 0;
  nsPerOp: number;

  constructor(cfg: MachineConfig, opts: Partial<MetricsOptions> = {}, nsPerOp = 0) {
    this.machine = new Machine(cfg);
    this.nsPerOp = nsPerOp;
    this.metrics = new RunMetrics(this.machine, { costModel: resolveCostModel('molnar-2015'), ...opts });
  }

  /** Run one event at the next op (time = op * nsPerOp unless given). */
  step<T>(fn: (m: Machine) => T, ns = this.op * this.nsPerOp): T {
    const m = this.machine;
    m.clock.op = this.op;
    m.clock.ns = ns;
    this.metrics.tick(ns, this.op);
    const r = fn(m);
    this.op++;
    return r;
  }

  finish(ns = this.op * this.nsPerOp) {
    this.machine.clock.op = this.op;
    this.machine.clock.ns = ns;
    return this.metrics.finish(ns, this.op);
  }
}

/** 1-page get/put pairs on one CPU, `gets` times. */
export function tightLoop(gets: number, opts = {}, nsPerOp = 0): Driven {
  const d = new Driven({ possibleCpus: 1, tlb: 'tiny' }, opts, nsPerOp);
  const mm = d.machine.createMm();
  const t = d.machine.createTask(mm, 0);
  for (let i = 0; i < gets; i++) {
    const h = d.step((m) => m.mermapGet(t, 1, 0x1000 + i));
    expect(h).toBeGreaterThanOrEqual(0);
    d.step((m) => m.mermapPut(t, h));
  }
  return d;
}

/** One step of a random script: a get of 1..6 pages on CPU 0 or 1, or a put of a live allocation. */
export const scriptStep = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('get' as const), cpu: fc.nat(1), pages: fc.integer({ min: 1, max: 6 }) }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('put' as const), pick: fc.nat(7) }) },
);
export type ScriptStep = typeof scriptStep extends fc.Arbitrary<infer T> ? T : never;

/**
 * `script` on `variant` with a collector, on 2 CPUs and R = 16 (a tiny TLB, vmap-block's lazy
 * threshold at 4 pages so that its puts purge): the collector ticked before each op (op i at
 * time 0), `after` called after it. A put takes live allocation `pick` mod their count; with
 * none live it does nothing.
 */
export function replayScript(
  variant: string,
  script: readonly ScriptStep[],
  after: (r: Replayer, metrics: RunMetrics) => void = () => {},
): { r: Replayer; metrics: RunMetrics } {
  const r = new Replayer({
    possibleCpus: 2,
    regionPages: 16,
    variant,
    tlb: 'tiny',
    allocatorOptions: { vmapLazyPages: 4 },
  });
  const metrics = new RunMetrics(r.machine, { costModel: resolveCostModel() });
  const live: string[] = [];
  script.forEach((s, i) => {
    r.machine.clock.op = i;
    metrics.tick(0, i);
    if (s.k === 'get') {
      const tag = `t${i}`;
      if (r.apply({ op: 'get', cpu: s.cpu, pages: s.pages, tag, reserved: false, prot: 'noglobal' }).ok) live.push(tag);
    } else if (live.length > 0) {
      r.apply({ op: 'put', tag: live.splice(s.pick % live.length, 1)[0]! });
    }
    after(r, metrics);
  });
  return { r, metrics };
}
