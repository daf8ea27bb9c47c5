import { expect } from 'vitest';
import { Machine, type MachineConfig } from '../../src/core/machine.js';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics, type MetricsOptions } from '../../src/analysis/metrics/run-metrics.js';

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
