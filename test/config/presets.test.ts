import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';
import { listPresets, presetConfig } from '../../src/config/presets.js';
import { checkStream } from '../workloads/helpers.js';

describe('presets', () => {
  it('lists the embedded presets with descriptions', () => {
    const names = listPresets().map((p) => p.name);
    expect(names).toEqual(['default', 'kunit-tight', 'guest-boot', 'nested-slots']);
    for (const p of listPresets()) expect(p.description.length).toBeGreaterThan(20);
  });

  it('default: unmapped-alloc on 4 CPUs with TLB pressure, rfc-v1', () => {
    const c = presetConfig('default');
    expect(c.name).toBe('default');
    expect(c.machine.onlineCpus).toBe(4);
    expect(c.mermap.variant).toBe('rfc-v1');
    expect(c.workload.kind).toBe('unmapped-alloc');
    expect(c.workload.tlbPressure).toEqual({
      userPagesPerMm: 256,
      globalPages: 1024,
      touchesPerOp: 4,
      globalFraction: 0.25,
    });
    expect(c.length).toEqual({ events: 1_000_000 });
  });

  it.each(listPresets().map((p) => p.name))('%s streams within the contract', (name) => {
    const c = presetConfig(name);
    const f = checkStream(createEventSource(c), c.machine.onlineCpus, { maxEvents: 200_000, allowLiveAtEnd: true });
    expect(f.events).toBeGreaterThan(1000);
    expect(f.byKind.get).toBeGreaterThan(0);
  });

  it('kunit-tight is 1 CPU of 1-page get/put pairs', () => {
    const c = presetConfig('kunit-tight');
    expect(c.machine.possibleCpus).toBe(1);
    const f = checkStream(createEventSource(c), 1, { allowLiveAtEnd: true });
    expect([...f.getPages]).toEqual([[1, 50_000]]);
    expect(f.maxLivePerCpu).toBe(1);
  });

  it('nested-slots wants more than 4 slots of one mm on a CPU at once', () => {
    const c = presetConfig('nested-slots');
    const f = checkStream(createEventSource(c), 4, { maxEvents: 300_000, allowLiveAtEnd: true });
    expect(f.maxLivePerCpuMm).toBeGreaterThan(4);
  });

  it('each call returns a fresh config; unknown names are a ConfigError listing the known ones', () => {
    const a = presetConfig('default');
    a.machine.possibleCpus = 99;
    expect(presetConfig('default').machine.possibleCpus).toBe(4);
    expect(() => presetConfig('nope')).toThrow(
      new ConfigError('preset', [
        'preset: "nope" is not allowed: must be one of "default", "kunit-tight", "guest-boot", "nested-slots"',
      ]),
    );
    expect(() => presetConfig('toString')).toThrow(ConfigError);
  });
});
