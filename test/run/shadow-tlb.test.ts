import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/index.js';
import { DEFAULT_SHADOW_TLB } from '../../src/config/schema.js';
import { type RunResult, runConfig } from '../../src/run/run.js';

/** Collateral refills of whole runs: machine.shadowTlb wired from the run config (issue 12 §3). */
const dir = mkdtempSync(join(tmpdir(), 'shadow-tlb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 40 gets of 4 pages on CPU 0, each put before the next: 160 pages of VA in all. */
const script = join(dir, 'gets.jsonl');
writeFileSync(
  script,
  Array.from({ length: 40 }, (_, i) => `{"op":"get","pages":4,"tag":"t${i}"}\n{"op":"put","tag":"t${i}"}\n`).join(''),
);

function run(regionPages: number, shadowTlb?: boolean): RunResult {
  return runConfig(
    parseRunConfig({
      machine: { possibleCpus: 1, ...(shadowTlb === undefined ? {} : { shadowTlb }) },
      mermap: { variant: 'rfc-v1', regionPages },
      // a working set the golden-cove TLB holds whole: no eviction, so every miss after the first
      // touch of a page is one a flush caused
      workload: { kind: 'ops', path: script, tlbPressure: { userPagesPerMm: 8, globalPages: 8, touchesPerOp: 4 } },
      seed: 3,
    }),
  );
}

describe('run summaries: tlb.shadowMisses and tlb.collateralRefills', () => {
  it('the shadow is on unless a config turns it off', () => {
    expect(DEFAULT_SHADOW_TLB).toBe(true);
    expect(parseRunConfig({}).machine.shadowTlb).toBe(true);
    expect(run(512).machine.tlbs[0].shadow).not.toBeNull();
  });

  it('no collateral in a run whose region never wraps: the shadow misses exactly where the TLB does', () => {
    const t = run(512).summary.tlb; // 160 of 511 pages: no flush
    expect(t.fullFlushes).toBe(0);
    expect(t.misses).toBeGreaterThan(0);
    expect(t.shadowMisses).toBe(t.misses);
    expect([t.collateralRefills, t.collateralRefillsPerFlush]).toEqual([0, 0]);
  });

  it('with wraps and no eviction, collateral = the flushed translations walked for again', () => {
    const r = run(64); // 63 pages for gets: 15 gets of 4 fill a region, the 16th and 31st wrap
    const t = r.summary.tlb;
    expect(t.fullFlushes).toBe(2);
    expect(t.evictions).toBe(0);
    expect(t.refillsAfterFlush).toBeGreaterThan(0);
    expect(t.collateralRefills).toBe(t.refillsAfterFlush);
    expect(t.shadowMisses).toBe(t.misses - t.refillsAfterFlush);
    expect(t.collateralRefillsPerFlush).toBe(t.refillsAfterFlush / 2);
    expect(t.collateralRefills).toBe(r.machine.tlbs[0].collateralRefills);
  });

  it('off: the fields are null and every other figure is the same as with the shadow on', () => {
    const on = run(64, true).summary;
    const off = run(64, false).summary;
    expect([off.tlb.shadowMisses, off.tlb.collateralRefills, off.tlb.collateralRefillsPerFlush]).toEqual([
      null,
      null,
      null,
    ]);
    const strip = (s: typeof on) => ({
      ...s,
      tlb: { ...s.tlb, shadowMisses: null, collateralRefills: null, collateralRefillsPerFlush: null },
    });
    expect(strip(off)).toEqual(strip(on));
  });
});
