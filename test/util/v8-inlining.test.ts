import { describe, expect, it } from 'vitest';
import { V8_DEFAULTS_ENV, widenV8Inlining } from '../../src/util/v8-inlining.js';

// What the flags do to results (nothing) is the smoke sweep's check in ./sweep.test.ts.
describe('widenV8Inlining', () => {
  it('keeps V8 defaults only when MERMAP_LAB_V8_DEFAULTS is exactly 1', () => {
    expect(widenV8Inlining({ [V8_DEFAULTS_ENV]: '1' })).toBe(false);
    expect(widenV8Inlining({ [V8_DEFAULTS_ENV]: '0' })).toBe(true);
    expect(widenV8Inlining({ [V8_DEFAULTS_ENV]: '' })).toBe(true);
    expect(widenV8Inlining({})).toBe(true);
  });
});
