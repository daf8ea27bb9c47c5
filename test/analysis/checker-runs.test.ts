import { describe, expect, it } from 'vitest';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { costModelOf, machineConfigOf, runConfig } from '../../src/run/run.js';
import { violationLines } from '../../src/core/checker-report.js';
import { Machine, type MachineObserver } from '../../src/core/machine.js';
import { FLUSH_INVLPG } from '../../src/core/tlb/tlb.js';
import { drive, setUpTopology } from '../../src/run/drive.js';
import { parseRunConfig, presetConfig, type RunConfig } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';

/**
 * The checker on whole runs: the stock window microbench with reserved gets (facts §5.1) and the
 * default preset (RFC v1's page-allocator caller, PREEMPT_RT off).
 */
const windowed = (variant: string, events: number) =>
  parseRunConfig({
    seed: 1,
    machine: { possibleCpus: 4 },
    mermap: { variant, regionPages: 64 },
    workload: { kind: 'microbench', mode: 'window', window: 3, reservedFraction: 0.3 },
    length: { events },
  });

/**
 * The rule of facts §5.1 with Sets, per (mm, CPU): present = pages the CPU mapped whose PTE is
 * still present, seen = those present at some time since the CPU's last full flush.
 */
class NaiveRule implements MachineObserver {
  private readonly present = new Map<string, Set<number>>();
  private readonly seen = new Map<string, Set<number>>();
  private readonly mms = new Set<number>();
  reuses = 0;
  constructor(private readonly m: Machine) {}
  private set(map: Map<string, Set<number>>, mm: number, cpu: number): Set<number> {
    const k = `${mm}:${cpu}`;
    let s = map.get(k);
    if (s === undefined) {
      s = new Set();
      map.set(k, s);
    }
    return s;
  }
  onGet(cpu: number, mm: number, _t: number, _h: number, base: number, pages: number): void {
    this.mms.add(mm);
    let reused = false;
    for (let v = base; v < base + pages; v++) {
      for (let c = 0; c < this.m.onlineCpus; c++) if (this.set(this.seen, mm, c).has(v)) reused = true;
      this.set(this.present, mm, cpu).add(v);
      this.set(this.seen, mm, cpu).add(v);
    }
    if (reused) this.reuses++;
  }
  onPut(_cpu: number, mm: number, _t: number, _h: number, base: number, pages: number): void {
    for (let v = base; v < base + pages; v++)
      for (let c = 0; c < this.m.onlineCpus; c++) this.set(this.present, mm, c).delete(v);
  }
  onFlush(cpu: number, kind: number, _pages: number, vpn: number): void {
    for (const mm of this.mms) {
      if (kind !== FLUSH_INVLPG) this.seen.set(`${mm}:${cpu}`, new Set(this.set(this.present, mm, cpu)));
      else if (mm === this.m.currentMm[cpu] && !this.set(this.present, mm, cpu).has(vpn))
        this.set(this.seen, mm, cpu).delete(vpn);
    }
  }
}

/** runConfig()'s machine and driver, with the naive rule watching (one mm: no CR3 flushes). */
function driveWithReference(cfg: RunConfig): { machine: Machine; naive: NaiveRule } {
  const source = createEventSource(cfg);
  const machine = new Machine(machineConfigOf(cfg));
  setUpTopology(machine, source);
  const naive = new NaiveRule(machine);
  machine.addObserver(naive);
  drive(machine, source, new RunMetrics(machine, { costModel: costModelOf(cfg) }), {
    zeroCyclesPerPage: 0,
    slowPathProt: 'noglobal',
  });
  expect(machine.mmCount()).toBe(1);
  expect(machine.cr3Flushes).toBe(0);
  return { machine, naive };
}

describe('reuse without flush on the window microbench (window 3, reservedFraction 0.3, R = 64)', () => {
  for (const [variant, expected] of [
    ['rfc-later', 92],
    ['mermap-reuse', 84],
  ] as const) {
    it(`${variant}: found, and as often as a naive reference of the rule counts`, () => {
      const { machine, naive } = driveWithReference(windowed(variant, 40_000));
      expect(machine.checker.countOf('reuse_without_flush')).toBe(expected);
      expect(naive.reuses).toBe(expected);
      expect(machine.checker.countOf('lock_in_atomic')).toBe(0);
    });
  }
  it('rfc-v1 on the same workload agrees with the reference too (its reuses come with out-of-region gets)', () => {
    const { machine, naive } = driveWithReference(windowed('rfc-v1', 40_000));
    expect(machine.checker.countOf('reuse_without_flush')).toBe(naive.reuses);
    expect(machine.checker.countOf('out_of_region')).toBeGreaterThan(0);
  });
});

describe('the default preset', () => {
  it('reports stale_tlb_after_free with its first example and no lock_in_atomic; PREEMPT_RT adds one per call site', () => {
    const base = presetConfig('default');
    const cfg = { ...base, length: { events: 20_000 } };
    const r = runConfig(cfg);
    expect(r.summary.violations.lock_in_atomic).toBe(0);
    expect(r.summary.violations.stale_tlb_after_free).toBeGreaterThan(0);
    const lines = violationLines(r.machine.checker, r.summary.violations);
    expect(lines[0]).toMatch(
      /^stale_tlb_after_free [\d,]+: pages went back to the page allocator .*RFC v1's page-allocator caller/,
    );
    expect(lines[1]).toBe(
      '  first: op 74, pfn 0x100040: pfn 0x100040 freed while a TLB still holds a mermap translation to it',
    );
    expect(lines).toHaveLength(2);
    const rt = runConfig({ ...cfg, machine: { ...cfg.machine, preemptRt: true } });
    const sites = rt.machine.checker.lockSiteEvents;
    expect(rt.summary.violations.lock_in_atomic).toBe(Array.from(sites).filter((e) => e > 0).length);
    const lock = violationLines(rt.machine.checker, rt.summary.violations).find((l) => l.startsWith('lock_in_atomic'));
    expect(lock).toMatch(/^lock_in_atomic \d call sites? \((reserved get|get|put|reserved put) [\d,]+ events/);
  });
});
