import { describe, expect, it } from 'vitest';
import {
  allocatorInfo,
  allocatorNames,
  exerciseRefusal,
  refuseTooLarge,
  registerAllocator,
} from '../../../src/core/allocators.js';
import { mermapGeometry } from '../../../src/core/paging/geometry.js';
import { PROT_KERNEL_NOGLOBAL } from '../../../src/core/paging/pte.js';
import { Machine } from '../../../src/core/machine.js';
import { POLICY_NAMES } from '../../../src/core/policies/index.js';

describe('the registry', () => {
  it('lists the five policies after the kernel versions, each as kind "policy"', () => {
    expect(allocatorNames()).toEqual(['rfc-v1', 'rfc-later', 'dev-snapshot', ...POLICY_NAMES]);
    expect(POLICY_NAMES.map((n) => allocatorInfo(n)!.kind)).toEqual(['policy', 'policy', 'policy', 'policy', 'policy']);
    for (const n of POLICY_NAMES) {
      const m = new Machine({ possibleCpus: 2, variant: n });
      expect(m.allocator(m.createMm()).name).toBe(n);
    }
  });

  it('gives every variant a summary of its own (a subclass does not inherit its parent’s)', () => {
    const names = allocatorNames();
    const summaries = names.map((n) => allocatorInfo(n)!.summary);
    expect(new Set(summaries).size).toBe(names.length);
    expect(allocatorInfo('rfc-later')!.summary).toBe('later posting: 3 normal slots + 1 reserve slot, no PTE lock');
    expect(allocatorInfo('mermap-reuse')!.summary).toBe(
      'rfc-later that also reuses the space below the lowest live allocation after a flush',
    );
  });

  it('refuseTooLarge() gets -Reason.TOO_LARGE from every variant, and changes nothing', () => {
    const g = mermapGeometry(4, 8, 2);
    for (const name of allocatorNames()) {
      const m = new Machine({ possibleCpus: 2, regionPages: 8, variant: name });
      const a = allocatorInfo(name)!.factory(g, m, {});
      expect([name, refuseTooLarge(a, 3)]).toEqual([name, -1]);
      // the same allocator then hands out its first range at CPU 0's base, as a new one does
      const b = allocatorInfo(name)!.factory(g, m, {});
      expect([name, a.get(0, 2, false, PROT_KERNEL_NOGLOBAL, true), a.lastBase]).toEqual([
        name,
        b.get(0, 2, false, PROT_KERNEL_NOGLOBAL, true),
        b.lastBase,
      ]);
    }
  });

  it('a variant runs exerciseRefusal() once a thread: the first machine of it that makes an mm', () => {
    // (the tests above made mms of the policies only; a machine made without an mm, as every
    // variant's above, exercises nothing: dev-snapshot's first exercise is the one here)
    const g = mermapGeometry(4, 8, 2);
    const m = new Machine({ possibleCpus: 2, regionPages: 8, variant: 'dev-snapshot' });
    expect(exerciseRefusal('dev-snapshot', g, m, {})).toBe(-1);
    expect(exerciseRefusal('dev-snapshot', g, m, {})).toBeNull();
    new Machine({ possibleCpus: 2, regionPages: 8, variant: 'rfc-later' }).createMm();
    expect(exerciseRefusal('rfc-later', g, m, {})).toBeNull();
  });

  it('never calls the get of an allocator registered from outside (it might flush or count)', () => {
    // (last in this file: the registration stays for the rest of it)
    let gets = 0;
    const v1 = allocatorInfo('rfc-v1')!;
    registerAllocator({
      ...v1,
      name: 'counted',
      factory: (g, host, o) => {
        const a = v1.factory(g, host, o);
        const get = a.get.bind(a);
        a.get = (...args) => {
          gets++;
          return get(...args);
        };
        return a;
      },
    });
    const m = new Machine({ possibleCpus: 2, regionPages: 8, variant: 'counted' });
    m.createMm();
    expect(gets).toBe(0);
    expect(exerciseRefusal('counted', mermapGeometry(4, 8, 2), m, {})).toBeNull();
    expect(gets).toBe(0);
  });
});
