import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/core/machine.js';
import { FLUSH_ALL, FLUSH_INVPCID_SINGLE } from '../../src/core/tlb/index.js';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { summaryToRow, labelFromRunConfig, runTable } from '../../src/analysis/tables.js';
import { drive, setUpTopology, type DriveHooks } from '../../src/run/drive.js';
import { defineRunConfig } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';

/** The collector under the real driver and generator: its totals agree with the machine's own. */
describe('RunMetrics under the run driver', () => {
  for (const variant of ['rfc-v1', 'rfc-later', 'mermap-invpcid', 'kmap-local', 'vmap-block'] as const) {
    it(`${variant}: unmapped-alloc with TLB pressure, 20,000 events`, () => {
      const cfg = defineRunConfig({
        machine: { possibleCpus: 4, onlineCpus: 2, tlb: 'haswell' },
        mermap: { variant, regionPages: 64 },
        workload: { kind: 'unmapped-alloc', tlbPressure: {} },
        length: { events: 20_000 },
        seed: 5,
      });
      const m = new Machine({
        possibleCpus: 4,
        onlineCpus: 2,
        variant,
        regionPages: 64,
        tlb: 'haswell',
        allocatorOptions: { slots: cfg.mermap.slots },
      });
      const src = createEventSource(cfg);
      setUpTopology(m, src);
      const metrics = new RunMetrics(m, {
        costModel: resolveCostModel('hansen-2014'),
        sampleEveryNs: 100_000,
        regionTimeline: { mm: 0, cpu: 0, maxSteps: 30 },
      });
      const hooks: DriveHooks = metrics;
      const st = drive(m, src, hooks, { zeroCyclesPerPage: 1200 });
      const s = metrics.finish(st.lastNs, st.events);

      expect(s.events).toBe(st.events);
      expect(s.gets).toBe(m.gets);
      expect(s.getsOk).toBe(m.getsOk);
      expect(s.puts).toBe(m.puts);
      expect(s.fastPathFailures).toBe(st.fastPathFailures);
      expect(s.fallbackPages).toBe(st.fallbackPages);
      let full = 0;
      for (const t of m.tlbs) full += t.flushes[FLUSH_ALL] + t.flushes[FLUSH_INVPCID_SINGLE];
      expect(s.flushes).toBe(full);
      expect(s.tlb.fullFlushes).toBe(full);
      expect(s.getsBetweenFlushes.count).toBe(full);
      expect(s.tlb.walks).toBe(m.pageWalks);
      expect(s.workCycles).toBeGreaterThan(0);
      expect(s.cost.overheadFraction).toBeGreaterThan(0);
      expect(s.cost.overheadFraction).toBeLessThan(1);
      expect(s.wastedVa.weighting).toBe('time');
      expect(s.wastedVa.meanFraction).toBeGreaterThanOrEqual(0);
      expect(s.wastedVa.meanFraction).toBeLessThanOrEqual(s.wastedVa.peakFraction);
      const cpuRows = metrics.perCpuRows();
      expect(cpuRows.reduce((n, r) => n + r.gets, 0)).toBe(s.gets);
      expect(cpuRows.reduce((n, r) => n + r.flushes, 0)).toBe(s.flushes);
      expect(metrics.perMmRows().reduce((n, r) => n + r.gets, 0)).toBe(s.gets);
      const ts = metrics.timeSeriesRows();
      expect(ts.length).toBeGreaterThan(2);
      expect(ts.length).toBeLessThanOrEqual(2000);
      for (const r of ts) {
        expect(r.wastedFraction).toBeGreaterThanOrEqual(0);
        expect(r.wastedFraction).toBeLessThanOrEqual(1);
      }
      const row = summaryToRow(s, labelFromRunConfig(cfg));
      expect(runTable([row]).numRows()).toBe(1);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    });
  }
});
