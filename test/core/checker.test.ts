import { describe, expect, it } from 'vitest';
import { Checker } from '../../src/core/checker.js';
import { MmStamps } from '../../src/core/checker-stamps.js';
import {
  LOCK_SITES,
  lockSite,
  V_OUT_OF_REGION,
  V_REUSE_WITHOUT_FLUSH,
  VIOLATION_EXPLANATIONS,
  VIOLATION_KINDS,
} from '../../src/core/violations.js';
import { Machine } from '../../src/core/machine.js';
import { reasonName } from '../../src/core/mermap/reasons.js';
import { cpuBaseVpn, mermapGeometry } from '../../src/core/paging/geometry.js';
import { mkPte, PROT_KERNEL_NOGLOBAL, PTE_SENTINEL } from '../../src/core/paging/pte.js';
import { Replayer } from '../../src/core/replay.js';

/** R = 16, 2 possible CPUs: CPU c's region starts at cpuBaseVpn(g, c). */
const g = mermapGeometry(4, 16, 2);
const base0 = cpuBaseVpn(g, 0);
const base1 = cpuBaseVpn(g, 1);

function fresh(preemptRt = false) {
  const c = new Checker(g, true, preemptRt);
  const st = new MmStamps(2);
  return { c, st };
}

describe('Checker: the reuse rule on its own (facts §5.1)', () => {
  it('a page is dirty while mapped and after its put until its CPU flushes', () => {
    const { c, st } = fresh();
    expect(c.onMap(st, 0, base0 + 3)).toBe(false);
    expect(c.isDirty(st, 0, base0 + 3)).toBe(true);
    c.onUnmap(st, base0 + 3);
    expect(c.isDirty(st, 0, base0 + 3)).toBe(true);
    expect(c.onMap(st, 0, base0 + 3)).toBe(true); // mapped again with no flush
    c.onUnmap(st, base0 + 3);
    c.cpuEpoch[0]++; // __flush_tlb_all on CPU 0
    expect(c.isDirty(st, 0, base0 + 3)).toBe(false);
    expect(c.onMap(st, 0, base0 + 3)).toBe(false);
  });

  it('a page mapped before a flush and still present after it stays dirty (the old rule missed it)', () => {
    const { c, st } = fresh();
    c.onMap(st, 0, base0 + 10);
    c.cpuEpoch[0]++; // the flush while the page is live
    expect(c.isDirty(st, 0, base0 + 10)).toBe(true);
    c.onUnmap(st, base0 + 10); // put after the flush: its translation may be cached again
    expect(c.onMap(st, 0, base0 + 10)).toBe(true);
  });

  it("INVPCID single context clears only that mm's pages on that CPU", () => {
    const { c, st } = fresh();
    const other = new MmStamps(2);
    c.onMap(st, 0, base0);
    c.onUnmap(st, base0);
    c.onMap(other, 0, base0);
    c.onUnmap(other, base0);
    st.epoch[0]++;
    expect(c.isDirty(st, 0, base0)).toBe(false);
    expect(c.isDirty(other, 0, base0)).toBe(true);
  });

  it('INVLPG clears a page that is no longer present, not one that still is', () => {
    const { c, st } = fresh();
    c.onMap(st, 0, base0 + 1);
    c.onMap(st, 0, base0 + 2);
    c.onUnmap(st, base0 + 1);
    c.onInvlpg(st, 0, base0 + 1);
    c.onInvlpg(st, 0, base0 + 2);
    expect(c.isDirty(st, 0, base0 + 1)).toBe(false);
    expect(c.isDirty(st, 0, base0 + 2)).toBe(true);
    // an INVLPG on another CPU does nothing to CPU 0's state
    c.onUnmap(st, base0 + 2);
    c.onInvlpg(st, 1, base0 + 2);
    expect(c.isDirty(st, 0, base0 + 2)).toBe(true);
  });

  it('two CPUs that mapped the same page each keep their own state (out-of-region overlap)', () => {
    const { c, st } = fresh();
    expect(c.onMap(st, 0, base1)).toBe(false); // CPU 0 past its region end, into CPU 1's first page
    expect(c.onMap(st, 1, base1)).toBe(true); // CPU 1 maps its own page over a live one
    c.onUnmap(st, base1);
    c.cpuEpoch[1]++; // CPU 1 flushes; CPU 0 does not
    expect(c.isDirty(st, 1, base1)).toBe(false);
    expect(c.isDirty(st, 0, base1)).toBe(true);
    expect(c.onMap(st, 1, base1)).toBe(true); // the second remap: CPU 0 may still cache it
    c.onUnmap(st, base1);
    c.cpuEpoch[0]++;
    c.cpuEpoch[1]++;
    expect(c.onMap(st, 1, base1)).toBe(false);
  });

  it('pages outside the mermap are not tracked', () => {
    const { c, st } = fresh();
    expect(c.onMap(st, 0, base0 - 1)).toBe(false);
    expect(c.onMap(st, 0, base1 + 16)).toBe(false);
    expect(c.onMap(st, 0, base1 + 16)).toBe(false);
    expect(c.isDirty(st, 0, base1 + 16)).toBe(false);
  });
});

describe('Checker: reports', () => {
  it('counts every event, keeps the first of each kind past maxKept, and passes events on', () => {
    const { c } = fresh();
    c.maxKept = 1;
    const seen: string[] = [];
    c.report(V_REUSE_WITHOUT_FLUSH, 5, 0, 0, 0, base0, -1, 'r1');
    c.report(V_REUSE_WITHOUT_FLUSH, 6, 0, 0, 0, base0, -1, 'r2');
    expect(c.keeping(V_OUT_OF_REGION)).toBe(true); // its first is not kept yet
    expect(c.keeping(V_REUSE_WITHOUT_FLUSH)).toBe(false);
    c.onViolation = (v) => seen.push(v.detail);
    c.report(V_OUT_OF_REGION, 7, 1, 0, 1, base1, -1, 'o1');
    expect(c.keeping(V_REUSE_WITHOUT_FLUSH)).toBe(true);
    expect(c.violations.map((v) => v.detail)).toEqual(['r1']);
    expect(seen).toEqual(['o1']);
    expect(c.first.map((v) => (v === null ? null : [v.op, v.detail]))).toEqual([
      [5, 'r1'],
      [7, 'o1'],
      null,
      null,
      null,
      null,
    ]);
    expect(c.countsByKind()).toEqual({
      reuse_without_flush: 2,
      out_of_region: 1,
      stale_tlb_after_free: 0,
      migrate_disable_leak: 0,
      lock_in_atomic: 0,
      stale_tlb_hit: 0,
    });
    expect(c.countOf('reuse_without_flush')).toBe(2);
  });

  it('lock_in_atomic: nothing without PREEMPT_RT; with it, once per call site', () => {
    const off = fresh(false).c;
    for (let i = 0; i < 3; i++) off.lockInAtomic(lockSite(false, true), i, 0, 0, 0, base0);
    expect(off.countOf('lock_in_atomic')).toBe(0);
    expect(Array.from(off.lockSiteEvents)).toEqual([0, 3, 0, 0]);
    const rt = fresh(true).c;
    for (let i = 0; i < 3; i++) {
      rt.lockInAtomic(lockSite(false, true), 2 * i, 0, 0, 0, base0);
      rt.lockInAtomic(lockSite(true, true), 2 * i + 1, 0, 0, 0, base0);
    }
    rt.lockInAtomic(lockSite(false, false), 9, 1, 0, 1, base1);
    expect(rt.countOf('lock_in_atomic')).toBe(3);
    expect(Array.from(rt.lockSiteEvents)).toEqual([1, 3, 0, 3]);
    expect(rt.violations.map((v) => [v.op, v.detail])).toEqual([
      [0, 'PTE lock taken in mermap reserved get with preemption or IRQs off'],
      [1, 'PTE lock taken in mermap reserved put with preemption or IRQs off'],
      [9, 'PTE lock taken in mermap get with preemption or IRQs off'],
    ]);
    expect(LOCK_SITES).toEqual(['get', 'reserved get', 'put', 'reserved put']);
  });

  it('every kind has a one-line explanation', () => {
    for (const k of VIOLATION_KINDS) expect(VIOLATION_EXPLANATIONS[k]).toMatch(/^[^\n]{20,}$/);
    expect(VIOLATION_EXPLANATIONS.stale_tlb_after_free).toContain('RFC v1');
  });
});

const get = (r: Replayer, cpu: number, pages: number, tag: string, reserved = false) =>
  r.apply({ op: 'get', cpu, pages, tag, reserved, prot: 'noglobal' });

describe('the machine: reuse without flush as the issue found it', () => {
  it('rfc-later, R = 16: a reserve live across the flush of a failing get, then reused (facts §5.1, §8.1)', () => {
    const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: 'rfc-later', tlb: 'tiny' });
    const m = r.machine;
    const page10 = cpuBaseVpn(m.geometry, 0) + 10;
    expect(get(r, 0, 10, 'a')).toMatchObject({ ok: true, offset: 0, violations: [] });
    r.apply({ op: 'put', tag: 'a' });
    expect(get(r, 0, 1, 'r', true)).toMatchObject({ ok: true, offset: 10, violations: [] });
    expect(get(r, 0, 5, 'x')).toMatchObject({ ok: false, reason: 'reserve_busy', flushes: 1, violations: [] });
    expect(m.access(0, page10)).toBe(true); // the reserve's user touches it after the flush
    r.apply({ op: 'put', tag: 'r' });
    const b = get(r, 0, 11, 'b');
    expect(b).toMatchObject({ ok: true, offset: 0, flushes: 1 });
    expect(b.violations.map((v) => v.kind)).toEqual(['reuse_without_flush']);
    expect(m.checker.violations.map((v) => [v.kind, v.op, v.vpn])).toEqual([['reuse_without_flush', 5, page10]]);
    // the precise counterpart: b's user reads page 10 and gets r's old translation
    expect(m.access(0, page10)).toBe(true);
    const hit = m.checker.violations[1];
    expect([hit.kind, hit.vpn, hit.pfn]).toEqual(['stale_tlb_hit', page10, 0x100000 + 2 * 0x1000]);
    expect(m.checker.countOf('stale_tlb_hit')).toBe(1);
    expect(m.tlbs[0].staleHits).toBe(1);
  });

  it('rfc-v1 on the same script: no finding (the reserve has its own top page, which normal gets never reach)', () => {
    const r = new Replayer({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    get(r, 0, 10, 'a');
    r.apply({ op: 'put', tag: 'a' });
    get(r, 0, 1, 'r', true);
    get(r, 0, 5, 'x');
    r.apply({ op: 'put', tag: 'r' });
    get(r, 0, 11, 'b');
    expect(r.machine.checker.violations).toEqual([]);
  });

  it('dev-snapshot: an out-of-region allocation over a live page of CPU 1; both remaps are caught', () => {
    const r = new Replayer({ possibleCpus: 2, regionPages: 16, variant: 'dev-snapshot', tlb: 'tiny' });
    get(r, 0, 15, 'fill');
    r.apply({ op: 'put', tag: 'fill' });
    get(r, 0, 1, 'top', true);
    r.apply({ op: 'put', tag: 'top' });
    const bad = get(r, 0, 1, 'bad'); // past CPU 0's end: CPU 1's page 0
    expect(bad).toMatchObject({ ok: true, offset: 16 });
    expect(bad.violations.map((v) => v.kind)).toEqual(['out_of_region']);
    const x = get(r, 1, 1, 'x'); // CPU 1 maps its page 0 while CPU 0's mapping of it is live
    expect(x).toMatchObject({ ok: true, offset: 0 });
    expect(x.violations.map((v) => v.kind)).toEqual(['reuse_without_flush']);
    r.apply({ op: 'put', tag: 'x' });
    r.apply({ op: 'put', tag: 'bad' });
    get(r, 1, 14, 'y');
    r.apply({ op: 'put', tag: 'y' });
    const again = get(r, 1, 2, 'again'); // CPU 1 wraps and flushes; CPU 0 never did
    expect(again).toMatchObject({ ok: true, offset: 0, flushes: 1 });
    expect(again.violations.map((v) => v.kind)).toEqual(['reuse_without_flush']);
  });
});

describe('stale_tlb_hit: what a run actually did', () => {
  it("another CPU's cached copy goes stale when an out-of-region get overwrites the PTE, and when it is put", () => {
    const r = new Replayer({ possibleCpus: 2, regionPages: 16, variant: 'dev-snapshot', tlb: 'tiny' });
    const m = r.machine;
    const page = cpuBaseVpn(m.geometry, 1); // CPU 1's page 0
    get(r, 1, 1, 'x');
    expect(m.access(1, page)).toBe(true); // CPU 1 caches x's translation
    get(r, 0, 15, 'fill');
    r.apply({ op: 'put', tag: 'fill' });
    get(r, 0, 1, 'top', true);
    r.apply({ op: 'put', tag: 'top' });
    expect(get(r, 0, 1, 'bad')).toMatchObject({ ok: true, offset: 16 }); // over x's live PTE
    expect(m.access(1, page)).toBe(true); // CPU 1 still translates to x's page
    expect(m.checker.violations.filter((v) => v.kind === 'stale_tlb_hit').map((v) => [v.op, v.cpu, v.pfn])).toEqual([
      [5, 1, 0x100000],
    ]);
    // a normal run of the same CPU marks nothing stale: no hit without a change of the PTE
    const ok = new Replayer({ possibleCpus: 2, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    get(ok, 1, 1, 'x');
    ok.machine.access(1, page);
    ok.machine.access(1, page);
    expect(ok.machine.checker.countOf('stale_tlb_hit')).toBe(0);
  });
});

describe('the machine: a PTE write failing mid-range (facts §8.3)', () => {
  it('leaves the PTEs before the failure present, migration disabled, and the next reuse of them unsafe', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: 16, variant: 'rfc-v1', tlb: 'tiny' });
    const mm = m.createMm();
    const t = m.createTask(mm, 0);
    const base = cpuBaseVpn(m.geometry, 0);
    m.pteWriteFault = (_task, pages) => pages === 4;
    expect(reasonName(m.mermapGet(t, 4, 0x40))).toBe('pte_write_failed');
    const pt = m.pageTable(mm);
    // apply_to_existing_page_range() stopped at the third PTE: two written, two not
    expect([0, 1, 2, 3].map((i) => pt.getPte(base + i))).toEqual([
      mkPte(0x40, PROT_KERNEL_NOGLOBAL),
      mkPte(0x41, PROT_KERNEL_NOGLOBAL),
      PTE_SENTINEL,
      PTE_SENTINEL,
    ]);
    expect(m.migrateDisableDepth(t)).toBe(1);
    expect(m.checker.violations.map((v) => [v.kind, v.detail])).toEqual([
      [
        'migrate_disable_leak',
        'migrate-disable depth left at 1 after a failed PTE write; 2 of 4 PTEs left present with no owner',
      ],
    ]);
    expect(m.allocator(mm).liveAllocations(0)).toEqual([]);
    // a 3-page fault-free get with a number: after 1 PTE
    m.pteWriteFault = (_task, pages) => (pages === 3 ? 1 : false);
    expect(reasonName(m.mermapGet(t, 3, 0x50))).toBe('pte_write_failed');
    expect(pt.getPte(base + 4)).toBe(mkPte(0x50, PROT_KERNEL_NOGLOBAL));
    expect(pt.getPte(base + 5)).toBe(PTE_SENTINEL);
    m.pteWriteFault = null;
    // fill the region: the wrap flushes, and the next get lands on the ownerless present PTEs
    const h = m.mermapGet(t, 8, 0x60);
    m.mermapPut(t, h);
    const again = m.mermapGet(t, 2, 0x70);
    expect(again).toBeGreaterThanOrEqual(0);
    expect(m.allocator(mm).lastBase).toBe(base);
    expect(m.checker.countOf('reuse_without_flush')).toBe(1);
    expect(m.checker.violations.at(-1)).toMatchObject({ kind: 'reuse_without_flush', vpn: base });
  });
});
