/**
 * Op scripts for the policy tests in this folder: g() and p() build gets and puts, session()
 * replays them on one allocator, and gets/usage/live read the results in a compact form.
 */
import { Replayer, type ReplayResult } from '../../../src/core/replay.js';
import type { MachineConfig } from '../../../src/core/machine.js';
import { getSummary } from '../helpers.js';

export type Op =
  | { op: 'get'; pages: number; tag: string; cpu?: number; reserved?: boolean; prot?: 'global' | 'noglobal' }
  | { op: 'put'; tag: string };
export const g = (
  tag: string,
  pages: number,
  more: { cpu?: number; reserved?: boolean; prot?: 'global' } = {},
): Op => ({
  op: 'get',
  pages,
  tag,
  ...more,
});
export const p = (tag: string): Op => ({ op: 'put', tag });

export function session(allocator: string, cfg: Partial<MachineConfig> = {}) {
  const r = new Replayer({ possibleCpus: 1, regionPages: 16, tlb: 'tiny', variant: allocator, ...cfg });
  const apply = (op: Op): ReplayResult =>
    r.apply(
      op.op === 'get'
        ? {
            op: 'get',
            cpu: op.cpu ?? 0,
            pages: op.pages,
            tag: op.tag,
            reserved: op.reserved ?? false,
            prot: op.prot ?? 'noglobal',
          }
        : op,
    );
  return { r, m: r.machine, alloc: r.machine.allocator(r.mm), apply, run: (ops: Op[]) => ops.map(apply) };
}
/** [offset or reason, flushes] per get */
export const gets = (rs: ReplayResult[]) => getSummary(rs);
export const usage = (a: { regionUsage(cpu: number, out: Float64Array): void }, cpu = 0) => {
  const out = new Float64Array(4);
  a.regionUsage(cpu, out);
  return Array.from(out);
};
export const live = (
  a: { liveAllocations(cpu: number): Array<{ offset: number; pages: number; reserved: boolean }> },
  cpu = 0,
) => a.liveAllocations(cpu).map((x) => [x.offset, x.pages, x.reserved]);
