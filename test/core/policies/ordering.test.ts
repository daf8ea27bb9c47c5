import { describe, expect, it } from 'vitest';
import type { ReplayGetResult } from '../../../src/core/replay.js';
import { FLUSH_ALL, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE } from '../../../src/core/tlb/index.js';
import { readOps } from '../helpers.js';
import { session } from './session.js';

/**
 * Hand-checked scripts for each alternative policy (src/core/policies): every offset, failure
 * reason, flush and INVLPG count below is worked out in the comments, not read off a run.
 */

describe('the expected ordering on one fixed trace (policy-ordering.jsonl, R = 16, one CPU)', () => {
  // 8 nested rounds get x(1) get y(k) put y put x, k = 1,2,3,4,1,2,3,4; then a 2-page p held
  // across 14 one-page get/put pairs; put p; 4 more pairs. 70 ops, 35 gets. Puts of failed gets
  // are skipped.
  const POLICIES = [
    'rfc-v1',
    'rfc-later',
    'dev-snapshot',
    'mermap-reuse',
    'mermap-invpcid',
    'flush-on-put',
    'kmap-local',
    'vmap-block',
  ];
  const runAll = () =>
    Object.fromEntries(
      POLICIES.map((v) => {
        const { r, apply } = session(v);
        const failed = new Set<string>();
        const pages = new Map<string, number>();
        let puts = 0;
        let pagesPut = 0;
        let wraps = 0;
        let lastEnd = -1;
        for (const op of readOps('policy-ordering.jsonl')) {
          if (op.op === 'put') {
            if (failed.has(op.tag)) continue;
            apply(op);
            puts++;
            pagesPut += pages.get(op.tag)!;
            continue;
          }
          const res = apply(op) as ReplayGetResult;
          if (!res.ok) {
            failed.add(op.tag);
            continue;
          }
          pages.set(op.tag, op.pages);
          if (res.offset! < lastEnd) wraps++; // handed out below the previous allocation's end
          lastEnd = res.offset! + op.pages;
        }
        const t = r.machine.tlbs[0];
        const a = r.machine.allocator(r.mm);
        return [
          v,
          {
            failed: failed.size,
            puts,
            pagesPut,
            wraps,
            flushes: a.flushes[0],
            invlpgs: a.invlpgs[0],
            tlbInvlpg: t.flushes[FLUSH_INVLPG],
            tlbFull: t.flushes[FLUSH_ALL],
            tlbInvpcid: t.flushes[FLUSH_INVPCID_SINGLE],
            violations: r.machine.checker.violations.length,
          },
        ];
      }),
    );
  const res = runAll();

  it('INVLPGs: flush-on-put one per put page, kmap-local one per put, the mermap versions none', () => {
    expect(res['flush-on-put']).toMatchObject({
      failed: 0,
      puts: 35,
      pagesPut: 48,
      invlpgs: 48,
      tlbInvlpg: 48,
      flushes: 0,
      tlbFull: 0,
    });
    // kmap-local serves only the 28 one-page gets (7 multi-page ones are too_large)
    expect(res['kmap-local']).toMatchObject({
      failed: 7,
      puts: 28,
      pagesPut: 28,
      invlpgs: 28,
      tlbInvlpg: 28,
      flushes: 0,
      tlbFull: 0,
    });
    for (const v of ['rfc-v1', 'rfc-later', 'dev-snapshot', 'mermap-reuse', 'mermap-invpcid'])
      expect([v, res[v].invlpgs, res[v].tlbInvlpg]).toEqual([v, 0, 0]);
  });

  it('full flushes: rfc-v1 one per wrap; mermap-reuse fewer than rfc-later; mermap-invpcid none (context flushes instead)', () => {
    // rfc-v1: y4 fails (x4 at 14 holds the last normal page), x5 wraps to 0; p lands at 12..13
    // and pins the window: each of z1..z13 wraps to 14 (13 flushes); after p goes, z14 wraps to 0
    expect(res['rfc-v1']).toMatchObject({ failed: 1, wraps: 15, flushes: 15, tlbFull: 15 });
    expect(res['rfc-later']).toMatchObject({ failed: 1, wraps: 15, flushes: 15, tlbFull: 15 });
    // mermap-reuse: y4 reuses [0,14) below x4 (flush 1); p does not fit under that limit: flush 2,
    // p at 0; z0..z12 bump 2..14; z13 wraps to 2 above p (flush 3)
    expect(res['mermap-reuse']).toMatchObject({ failed: 0, wraps: 3, flushes: 3, tlbFull: 3 });
    expect(res['mermap-invpcid']).toMatchObject({ failed: 1, wraps: 15, flushes: 15, tlbFull: 0, tlbInvpcid: 15 });
    // vmap-block: 3 purges, each of the whole 16-page region (<= 33: 16 INVLPGs, no full flush)
    expect(res['vmap-block']).toMatchObject({ failed: 0, flushes: 3, invlpgs: 48, tlbInvlpg: 48, tlbFull: 0 });
  });

  it('the checker finds nothing under any of them', () => {
    for (const v of POLICIES) expect([v, res[v].violations]).toEqual([v, 0]);
  });
});
