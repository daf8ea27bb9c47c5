import { describe, expect, it } from 'vitest';
import { RegionTracer } from '../../src/core/region-text.js';
import { Replayer } from '../../src/core/replay.js';
import { getSummary, readOps, replay } from './helpers.js';

/**
 * The diagram in the comment of mermap_alloc() (the seed mail), step by step on a 16-page
 * region: 15 pages for normal callers, drawn exactly as in the diagram, then '|' and the
 * reserve page.
 */
describe('the seed diagram on a 16-page region', () => {
  for (const v of ['rfc-v1', 'rfc-later', 'dev-snapshot']) {
    it(`${v}: every step's result and rendering`, () => {
      const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: v, tlb: 'tiny' });
      const tracer = new RegionTracer(r.machine, 0, 0);
      r.machine.observer = tracer;
      const steps = readOps('seed-diagram.jsonl').map((op) => {
        const res = r.apply(op);
        return { res, text: tracer.render() };
      });
      expect(steps.map((s) => s.text)).toEqual([
        'AaaA___________|_', // get 4
        'TttT___________|_', // put it
        'TttTAaaaaaaaA__|_', // get 9
        'TttTAaaaaaaaAAA|_', // get 2
        'TttTTtttttttTAA|_', // put the 9
        'TttTTtttttttTAA|_', // a get of 1 fails
        'TttTTtttttttTTT|_', // put the 2
        'AA_____________|_', // the next get of 2 flushes and returns offset 0
      ]);
      expect(getSummary(steps.map((s) => s.res))).toEqual([
        [0, 0],
        [4, 0],
        [13, 0],
        ['no_space', 0],
        [0, 1],
      ]);
      expect(steps.flatMap((s) => s.res.violations)).toEqual([]);
    });
  }

  it('folds and scales long regions, saying so', () => {
    const r = new Replayer({ possibleCpus: 1, regionPages: 512, variant: 'rfc-v1', tlb: 'tiny' });
    const tracer = new RegionTracer(r.machine, 0, 0);
    r.machine.observer = tracer;
    r.apply({ op: 'get', cpu: 0, pages: 100, tag: 'a', reserved: false, prot: 'noglobal' });
    r.apply({ op: 'put', tag: 'a' });
    r.apply({ op: 'get', cpu: 0, pages: 30, tag: 'b', reserved: false, prot: 'noglobal' });
    const scaled = tracer.render({ scale: 16 });
    const lines = scaled.split('\n');
    expect(lines[0]).toBe('(1 character = 16 pages; A: some page allocated, T: some page flush-pending, _: all free)');
    // 511 normal pages / 16 = 32 characters: pages 0..99 pending (chars 0..6, char 6 = 96..111 also holds b),
    // b = 100..129 (chars 6..8), then free
    expect(lines[1]).toBe('TTTTTTAAA_______________________|_');
    const folded = tracer.render({ width: 128 }).split('\n');
    expect(folded[0]).toBe('(folded at 128 characters; each line starts with its first page offset)');
    expect(folded).toHaveLength(1 + 4 + 1);
    expect(folded[1]).toBe(`    0: T${'t'.repeat(98)}TA${'a'.repeat(27)}`);
    expect(folded[2]).toBe(`  128: aA${'_'.repeat(126)}`);
    expect(folded[5]).toBe('  511: |_');
  });
});

describe('bug 8.6: dev-snapshot wraps past the region end', () => {
  it('after a reserved get took the top page, dev-snapshot lands at the region end without a flush; rfc-v1 flushes and returns the base', () => {
    const dev = replay('dev-snapshot-wrap.jsonl', {
      variant: 'dev-snapshot',
      regionPages: 16,
      possibleCpus: 2,
    }).results;
    expect(getSummary(dev)).toEqual([
      [0, 0],
      [15, 0],
      [16, 0],
    ]);
    expect(dev[4].violations.map((v) => v.kind)).toEqual(['out_of_region']);
    const v1 = replay('dev-snapshot-wrap.jsonl', { variant: 'rfc-v1', regionPages: 16, possibleCpus: 2 }).results;
    expect(getSummary(v1)).toEqual([
      [0, 0],
      [15, 0],
      [0, 1],
    ]);
    expect(v1[4].violations).toEqual([]);
  });
  it('the allocation past the end lands in CPU 1 region and remaps a page CPU 1 mapped since its last flush', () => {
    const r = new Replayer({ possibleCpus: 2, regionPages: 16, variant: 'dev-snapshot', tlb: 'tiny' });
    const get = (cpu: number, pages: number, tag: string, reserved = false) =>
      r.apply({ op: 'get', cpu, pages, tag, reserved, prot: 'noglobal' });
    expect(get(1, 1, 'x')).toMatchObject({ ok: true, offset: 0 }); // CPU 1 maps its first page
    r.apply({ op: 'put', tag: 'x' });
    get(0, 15, 'fill');
    r.apply({ op: 'put', tag: 'fill' });
    get(0, 1, 'top', true);
    r.apply({ op: 'put', tag: 'top' });
    const bad = get(0, 1, 'bad');
    expect(bad).toMatchObject({ ok: true, offset: 16, flushes: 0 });
    expect(bad.violations.map((v) => v.kind).sort()).toEqual(['out_of_region', 'reuse_without_flush']);
  });
});

describe('region rendering under a policy that flushes at put', () => {
  it('flush-on-put: INVLPG of every freed page leaves no flush-pending space', () => {
    const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: 'flush-on-put', tlb: 'tiny' });
    const tracer = new RegionTracer(r.machine, 0, 0);
    r.machine.observer = tracer;
    const texts = readOps('seed-diagram.jsonl')
      .slice(0, 5)
      .map((op) => {
        r.apply(op);
        return tracer.render();
      });
    // get 4, put it (4 INVLPGs), get 9 (lowest gap that fits: the base), get 2, put the 9
    expect(texts).toEqual([
      'AaaA___________|_',
      '_______________|_',
      'AaaaaaaaA______|_',
      'AaaaaaaaAAA____|_',
      '_________AA____|_',
    ]);
  });
});
