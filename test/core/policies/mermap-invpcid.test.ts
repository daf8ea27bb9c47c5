import { describe, expect, it } from 'vitest';
import { Machine } from '../../../src/core/machine.js';
import { cpuBaseVpn } from '../../../src/core/paging/geometry.js';
import {
  CAT_GLOBAL,
  CAT_MERMAP,
  CAT_OTHER,
  CAT_OTHER_PCID,
  FLUSH_ALL,
  FLUSH_INVPCID_SINGLE,
} from '../../../src/core/tlb/index.js';
import { getSummary, replay } from '../helpers.js';

/**
 * Hand-checked scripts for the mermap-invpcid policy (src/core/policies/mermap-invpcid.ts): every
 * offset, failure reason, flush and INVLPG count below is worked out in the comments, not read off
 * a run.
 */

describe('mermap-invpcid', () => {
  it('test_tlb_flushed: rfc-later offsets and one flush, made as INVPCID single context, not __flush_tlb_all', () => {
    const { results, replayer } = replay('kunit-test-tlb-flushed.jsonl', { variant: 'mermap-invpcid' });
    const s = getSummary(results);
    expect(s).toHaveLength(512);
    expect(s[0]).toEqual([0, 0]);
    expect(s[510]).toEqual([510, 0]);
    expect(s[511]).toEqual([0, 1]);
    const t = replayer.machine.tlbs[0];
    expect([t.flushes[FLUSH_INVPCID_SINGLE], t.flushes[FLUSH_ALL]]).toEqual([1, 0]);
  });

  it("a wrap keeps the global kernel entry and the other mm's entry that rfc-later throws away", () => {
    const KTEXT = 0xffffffff81000000 / 4096; // kernel text: demand-mapped global
    const USER = 0x400; // a user page of the other mm
    const run = (allocator: string) => {
      const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: allocator, tlb: 'golden-cove' });
      const mmA = m.createMm();
      const mmB = m.createMm();
      const a = m.createTask(mmA, 0);
      const b = m.createTask(mmB, 0);
      m.access(b, USER);
      m.access(a, KTEXT);
      const base = cpuBaseVpn(m.geometry, 0);
      // 15 one-page get/access/put pairs fill the normal space; the 16th get wraps
      for (let i = 0; i < 15; i++) {
        const h = m.mermapGet(a, 1, 0x1000 + i);
        expect(m.access(a, base + i)).toBe(true);
        m.mermapPut(a, h);
      }
      expect(m.allocator(mmA).flushes[0]).toBe(0);
      m.mermapGet(a, 1, 0x2000);
      expect(m.allocator(mmA).flushes[0]).toBe(1);
      const walks = m.pageWalks;
      m.access(a, KTEXT);
      m.access(b, USER);
      return { t: m.tlbs[0], refillWalks: m.pageWalks - walks };
    };
    const cats = (t: { discarded: Float64Array }, kind: number) =>
      [CAT_MERMAP, CAT_GLOBAL, CAT_OTHER_PCID, CAT_OTHER].map((c) => t.discarded[kind * 4 + c]);
    const inv = run('mermap-invpcid');
    expect(cats(inv.t, FLUSH_INVPCID_SINGLE)).toEqual([15, 0, 0, 0]);
    expect(cats(inv.t, FLUSH_ALL)).toEqual([0, 0, 0, 0]);
    expect([inv.refillWalks, inv.t.refillsAfterFlush]).toEqual([0, 0]);
    const later = run('rfc-later');
    expect(cats(later.t, FLUSH_ALL)).toEqual([15, 1, 1, 0]);
    expect([later.refillWalks, later.t.refillsAfterFlush]).toEqual([2, 2]);
  });
});
