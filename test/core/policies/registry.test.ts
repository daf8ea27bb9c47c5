import { describe, expect, it } from 'vitest';
import { allocatorInfo, allocatorNames } from '../../../src/core/allocators.js';
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
});
