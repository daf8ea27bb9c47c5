import { describe, expect, it } from 'vitest';
import { withOverrides } from '../../src/sweep/cli.js';
import { SweepError } from '../../src/sweep/errors.js';
import { FAKE_WORKER } from './helpers.js';
import { getPreset } from '../../src/sweep/presets.js';

const base = { worker: FAKE_WORKER };

describe('sweep flags over the spec', () => {
  it('--max-fallback and --max-flush-cost set the targets', () => {
    const spec = withOverrides(getPreset('smoke'), { ...base, maxFallback: '0.02', maxFlushCost: '0.005' });
    expect(spec.targets).toEqual({ maxFallbackRate: 0.02, maxFlushCostFraction: 0.005 });
  });

  it('--replicates, --ci-width and --max-replicates set the replicates and the adaptive mode', () => {
    const spec = withOverrides(getPreset('smoke'), { ...base, replicates: '3', ciWidth: '0.05', maxReplicates: '9' });
    expect(spec.replicates).toBe(3);
    expect(spec.adaptive).toEqual({ maxReplicates: 9, ciWidth: 0.05 });
    // --ci-width alone: a cap of 3 x the replicates
    expect(withOverrides(getPreset('smoke'), { ...base, ciWidth: '0.1' }).adaptive).toEqual({
      maxReplicates: 3,
      ciWidth: 0.1,
    });
    // 0 turns the default sweep's adaptive mode off
    expect(withOverrides(getPreset('default'), { ...base, ciWidth: '0' }).adaptive).toBeUndefined();
    // more replicates than the preset's cap raise the cap with them
    expect(withOverrides(getPreset('default'), { ...base, replicates: '8' }).adaptive).toEqual({
      maxReplicates: 8,
      ciWidth: 0.1,
    });
  });

  it.each([
    [{ maxFallback: '2' }, "--max-fallback: must be a number in (0, 1], got '2'"],
    [{ maxFlushCost: 'x' }, "--max-flush-cost: must be a number in (0, 1], got 'x'"],
    [{ replicates: '0' }, "--replicates: must be an integer >= 1, got '0'"],
    [{ ciWidth: '-1' }, "--ci-width: must be a number in [0, 1] (0 turns the adaptive mode off), got '-1'"],
    [{ maxReplicates: '4' }, '--max-replicates: needs the adaptive mode (--ci-width W)'],
  ])('refuses %j naming the flag (exit status 2)', (flags, message) => {
    let error: unknown;
    try {
      withOverrides(getPreset('smoke'), { ...base, ...flags });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepError);
    expect((error as SweepError).message).toBe(message);
    expect((error as SweepError).exitCode).toBe(2);
  });
});
