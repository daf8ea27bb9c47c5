import { describe, expect, it } from 'vitest';
import { V8_DEFAULTS_ENV, V8_INLINING_FLAGS, widenV8Inlining } from '../../src/cli/v8-inlining.js';

describe('the CLI widens V8 inlining budget', () => {
  it('leaves V8 defaults with MERMAP_LAB_V8_DEFAULTS=1, else sets the two budget flags', () => {
    expect(V8_DEFAULTS_ENV).toBe('MERMAP_LAB_V8_DEFAULTS');
    expect(widenV8Inlining({ [V8_DEFAULTS_ENV]: '1' })).toBe(false);
    expect(V8_INLINING_FLAGS).toEqual([
      '--max-inlined-bytecode-size=1000',
      '--max-inlined-bytecode-size-cumulative=3000',
    ]);
    // any other value (or none) widens; a second call does not set the flags again
    expect(widenV8Inlining({ [V8_DEFAULTS_ENV]: '0' })).toBe(true);
    expect(widenV8Inlining({})).toBe(true);
  });
});
