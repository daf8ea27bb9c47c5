import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/index.js';
import { VARIANTS } from '../../src/core/allocators.js';
import { defaultSlots } from '../../src/core/defaults.js';
import { Machine } from '../../src/core/machine.js';
import { machineConfigOf } from '../../src/run/run.js';

/** Slots per CPU (normal + reserve) of mm 0's allocator. */
function slotsPerCpu(m: Machine): number {
  if (m.mmCount() === 0) m.createMm();
  return m.allocator(0).slotsPerCpu;
}

describe('the slot default is one fact for every path (facts §1.2)', () => {
  it('rfc-later and the policies built on it: 3 normal slots; the others: 4 shared', () => {
    expect(Object.fromEntries(VARIANTS.map((v) => [v, defaultSlots(v)]))).toEqual({
      'rfc-v1': 4,
      'rfc-later': 3,
      'dev-snapshot': 4,
      'flush-on-put': 3,
      'kmap-local': 4,
      'vmap-block': 4,
      'mermap-reuse': 3,
      'mermap-invpcid': 3,
    });
  });

  for (const variant of VARIANTS) {
    it(`${variant}: a run config and a Machine built in code without slots lay out the same slots`, () => {
      const config = parseRunConfig({ machine: { possibleCpus: 2 }, mermap: { variant, regionPages: 64 } });
      expect(config.mermap.slots).toBe(defaultSlots(variant));
      const fromConfig = new Machine(machineConfigOf(config));
      const inCode = new Machine({ possibleCpus: 2, regionPages: 64, variant, tlb: 'tiny' });
      expect(slotsPerCpu(fromConfig)).toBe(slotsPerCpu(inCode));
    });
  }
});
