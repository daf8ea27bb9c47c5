/** Recomputes the facts notebooks/04-review-bugs.ipynb states: each review bug, reproduced. */
import * as ml from '../../../src/index.js';
import { type FactValue, offsetOf, type Params, reasonOf } from './shared.js';

export async function reviewBugs(p: Params): Promise<Record<string, FactValue>> {
  const R = p.regionPages as number;
  const get = (
    tag: string,
    pages = 1,
    o: { cpu?: number; reserved?: boolean; global?: boolean } = {},
  ): ml.ReplayOp => ({
    op: 'get',
    cpu: o.cpu ?? 0,
    pages,
    tag,
    reserved: o.reserved ?? false,
    prot: o.global ? 'global' : 'noglobal',
  });
  const put = (tag: string): ml.ReplayOp => ({ op: 'put', tag });
  const replay = (variant: string, ops: ml.ReplayOp[], possibleCpus = 1) => {
    const r = new ml.Replayer({ possibleCpus, regionPages: R, variant, tlb: 'tiny' });
    return ops.map((op) => r.apply(op));
  };
  const kinds = (res: ml.ReplayResult) => res.violations.map((v) => v.kind);

  const b81Ops = [get('a'), get('b'), get('c'), get('d'), get('r', 1, { reserved: true })];
  const b81v1 = replay('rfc-v1', b81Ops);
  const b81later = replay('rfc-later', b81Ops);

  const b82Ops = [get('r', 1, { reserved: true }), put('r')];
  const locks = (rs: ml.ReplayResult[]) => rs.flatMap(kinds).filter((k) => k === 'lock_in_atomic').length;

  const pteFault = (variant: string) => {
    const m = new ml.Machine({ possibleCpus: 2, regionPages: R, variant, tlb: 'tiny' });
    const mm = m.createMm();
    const task = m.createTask(mm, 0);
    let first = true;
    m.pteWriteFault = () => {
      const f = first;
      first = false;
      return f;
    };
    const h = m.mermapGet(task, 2, 0x1000);
    const depth = m.migrateDisableDepth(task);
    const next = m.allocator(mm).nextOffset(0);
    const h2 = m.mermapGet(task, 1, 0x2000);
    const offset2 = m.allocator(mm).lastBase - ml.cpuBaseVpn(m.geometry, 0);
    m.mermapPut(task, h2);
    return {
      reason: ml.reasonName(h),
      depth,
      next,
      offset2,
      depthAfter: m.migrateDisableDepth(task),
      migrate: m.migrate(task, 1) ? 'allowed' : 'refused',
      kinds: m.checker.violations.map((v) => v.kind).join(', '),
    };
  };
  const b83v1 = pteFault('rfc-v1');
  const b83later = pteFault('rfc-later');

  const b84global = replay('rfc-v1', [get('g', 1, { reserved: true, global: true })])[0];
  const irq = new ml.Replayer({ possibleCpus: 1, regionPages: R, variant: 'rfc-v1', tlb: 'tiny' });
  irq.machine.setInTask(0, false);
  const b84irq = irq.apply(get('irq', 1, { reserved: true }));

  const b86Ops = [get('fill', 15), put('fill'), get('top', 1, { reserved: true }), put('top'), get('past-end', 2)];
  const lastOf = (rs: ml.ReplayResult[]) => rs[rs.length - 1];
  const dev = lastOf(replay('dev-snapshot', b86Ops, 2));
  const v1 = lastOf(replay('rfc-v1', b86Ops, 2));
  const cpu1 = lastOf(replay('dev-snapshot', [get('x', 1, { cpu: 1 }), put('x'), ...b86Ops], 2));
  // a live reserved allocation at the top page, then a nested normal get (rfc-v1's remaining hole)
  const hole = lastOf(
    replay('rfc-v1', [get('fill', 15), put('fill'), get('top', 1, { reserved: true }), get('nested', 2)], 2),
  );
  // rfc-later: a get while the reserve slot is busy flushes before it fails; the page is mapped again with no flush
  const quirk = replay('rfc-later', [
    get('a', 15),
    put('a'),
    get('r', 1, { reserved: true }),
    get('nested'),
    put('r'),
    get('b', 15),
    put('b'),
    get('again', 1, { reserved: true }),
  ]);

  const m = new ml.Machine({ possibleCpus: 2, regionPages: R, variant: 'rfc-v1', tlb: 'tiny' });
  const mm = m.createMm();
  m.createTask(mm, 0);
  m.mermapGet(m.createTask(mm, 1), 3, 0x3000);
  const t0 = m.mermapMmTeardown(mm, 0);
  const t1 = m.mermapMmTeardown(mm, 1);

  return {
    'b81.v1.normalOk': b81v1.slice(0, 4).filter((r) => r.ok).length,
    'b81.v1.reservedReason': reasonOf(b81v1[4]),
    'b81.later.fourthReason': reasonOf(b81later[3]),
    'b81.later.reservedOffset': offsetOf(b81later[4]),
    'b82.v1.lockInAtomic': locks(replay('rfc-v1', b82Ops)),
    'b82.later.lockInAtomic': locks(replay('rfc-later', b82Ops)),
    'b83.v1.reason': b83v1.reason,
    'b83.v1.depth': b83v1.depth,
    'b83.v1.kinds': b83v1.kinds,
    'b83.v1.next': b83v1.next,
    'b83.v1.offset2': b83v1.offset2,
    'b83.v1.depthAfter': b83v1.depthAfter,
    'b83.v1.migrate': b83v1.migrate,
    'b83.later.depth': b83later.depth,
    'b83.later.migrate': b83later.migrate,
    'b84.globalReason': reasonOf(b84global),
    'b84.irqReason': reasonOf(b84irq),
    'b86.dev.offset': offsetOf(dev),
    'b86.dev.flushes': dev.flushes,
    'b86.dev.kinds': kinds(dev).join(', '),
    'b86.v1.offset': offsetOf(v1),
    'b86.v1.flushes': v1.flushes,
    'b86.cpu1.kinds': kinds(cpu1).sort().join(', '),
    'b86.hole.regionPages': R,
    'b86.hole.pages': 2,
    'b86.hole.offset': offsetOf(hole),
    'b86.hole.flushes': hole.flushes,
    'b81.quirk.reserveOffset': offsetOf(quirk[2]),
    'b81.quirk.nestedReason': reasonOf(quirk[3]),
    'b81.quirk.nestedFlushes': quirk[3].flushes,
    'b81.quirk.againOffset': offsetOf(quirk[7]),
    'b81.quirk.againFlushes': quirk[7].flushes,
    'b87.cpu0.warned': t0.warned ? 'warns' : 'does not warn',
    'b87.cpu0.seen': t0.slotsSeen,
    'b87.cpu0.missed': t0.slotsMissed,
    'b87.cpu1.warned': t1.warned ? 'warn' : 'stay silent',
  };
}
