import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/index.js';
import { VARIANTS } from '../../src/core/allocators.js';
import type { Machine } from '../../src/core/machine.js';
import { runPoint } from '../../src/run/point.js';
import { runConfig, runRow, runSummary } from '../../src/run/run.js';

/**
 * A sweep point runs lean (runSummary: no time series, no tables, only the first checker
 * violation of each kind kept); its summary and row must be exactly those of a full run.
 */
describe('runSummary() is runConfig() without the tables', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: the same summary and sweep row, with violations and faults`, async () => {
      const input = {
        seed: 11,
        machine: { possibleCpus: 8, onlineCpusCap: 4, tlb: 'golden-cove', shadowTlb: false },
        mermap: { variant, regionPages: 64 },
        workload: { kind: 'unmapped-alloc', tlbPressure: {} },
        faults: { pteWriteFailProbability: 0.002 },
        length: { events: 6_000 },
      };
      const config = parseRunConfig(input);
      const full = runConfig(config);
      const lean = runSummary(config);
      expect(lean.events).toBe(full.drive.events);
      expect(lean.summary).toEqual(full.summary);
      expect(await runPoint(input)).toEqual({ row: runRow(config, full.summary), events: full.drive.events });
      // what the lean run leaves out is there in the full one
      expect(full.timeSeries.length).toBeGreaterThan(0);
    });
  }

  it('keeps every violation count while keeping no violation list', () => {
    const config = parseRunConfig({
      seed: 3,
      machine: { possibleCpus: 4, onlineCpusCap: 4 },
      mermap: { variant: 'rfc-v1', regionPages: 64 },
      workload: { kind: 'unmapped-alloc', tlbPressure: {} },
      length: { events: 20_000 },
    });
    const full = runConfig(config);
    const kept = full.machine.checker.violations.length;
    const counted = full.summary.violationsTotal;
    // the workload frees pages a TLB still translates (RFC v1's clear_page_mermap): many violations
    expect(counted).toBeGreaterThan(100);
    expect(kept).toBe(Math.min(counted, full.machine.checker.maxKept));
    expect(runSummary(config).summary.violationsTotal).toBe(counted);
  });

  it("hands a tool the run's machine before its first event, and changes nothing", () => {
    const config = parseRunConfig({
      seed: 5,
      machine: { possibleCpus: 4, onlineCpusCap: 2 },
      mermap: { variant: 'rfc-later', regionPages: 64 },
      workload: { kind: 'unmapped-alloc', tlbPressure: {} },
      length: { events: 3_000 },
    });
    const seen: Array<{ machine: Machine; mms: number; gets: number; accesses: number }> = [];
    const watch = (m: Machine) => seen.push({ machine: m, mms: m.mmCount(), gets: m.gets, accesses: m.accesses });
    const lean = runSummary(config, { onMachine: watch });
    const full = runConfig(config, { onMachine: watch });
    // once per run, before the workload's mms exist and before any get or access
    expect(seen.map((s) => [s.mms, s.gets, s.accesses])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // the machine handed over is the one the run drove, and the run is what it is without the hook
    expect(seen[1]!.machine).toBe(full.machine);
    expect(seen[0]!.machine.gets).toBe(full.machine.gets);
    expect(seen[0]!.machine.gets).toBeGreaterThan(0);
    expect(lean.summary).toEqual(runSummary(config).summary);
    expect(full.summary).toEqual(lean.summary);
  });
});
