import { describe, expect, it } from 'vitest';
import { runProgress, withProgress } from '../../src/cli/run-progress.js';

describe('run progress bar', () => {
  it('counts events when only length.events bounds the run', () => {
    const bar = runProgress({ events: 1000 });
    expect(bar.unit).toBe('events');
    expect(bar.total).toBe(1000);
    expect(bar.value(500, 7e9)).toBe(500);
  });

  it('counts simulated milliseconds when only length.seconds bounds the run', () => {
    const bar = runProgress({ seconds: 2 });
    expect(bar.unit).toBe('simulated ms');
    expect(bar.total).toBe(2000);
    expect(bar.value(65_536, 1.5e9)).toBe(1500);
    expect(bar.value(65_536, 1_999_999_999)).toBe(1999);
    // an event stamped after the end (the run stops there) does not run the bar past its total
    expect(bar.value(65_536, 3e9)).toBe(2000);
  });

  it('rounds a sub-millisecond run up to one millisecond', () => {
    const bar = runProgress({ seconds: 0.0005 });
    expect(bar.total).toBe(1);
    expect(bar.value(0, 400_000)).toBe(0);
  });

  it('counts the larger share, per mille, when both bound the run', () => {
    const bar = runProgress({ events: 1000, seconds: 1 });
    expect(bar.unit).toBe('per mille of the run');
    expect(bar.total).toBe(1000);
    expect(bar.value(250, 0.5e9)).toBe(500); // time ahead
    expect(bar.value(900, 0.1e9)).toBe(900); // events ahead
    expect(bar.value(2000, 0)).toBe(1000);
  });

  it('shows no bar off a terminal, and returns what the run returns', async () => {
    const seen: number[] = [];
    const out = await withProgress(false, 'run', 'events', async (cb) => {
      cb(1, 2);
      seen.push(1);
      return 42;
    });
    expect(out).toBe(42);
    expect(seen).toEqual([1]);
  });
});
