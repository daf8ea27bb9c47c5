import { describe, expect, it } from 'vitest';
import type { SweepProgress } from '../../src/sweep/pool.js';
import { createProgressReporter, formatDuration, formatProgressLine } from '../../src/sweep/progress.js';
import { formatRate } from '../../src/sweep/cli.js';
import { Capture } from './helpers.js';

const at = (done: number, total = 40, etaSeconds: number | null = 14): SweepProgress => ({
  done,
  total,
  skipped: 0,
  ran: done,
  workers: 2,
  elapsedSeconds: 1,
  etaSeconds,
});

describe('progress', () => {
  it('formats durations and lines', () => {
    expect([0, 14.4, 59.6, 185, 3599, 7620, null, Infinity].map((s) => formatDuration(s))).toEqual([
      '0s',
      '14s',
      '1m00s',
      '3m05s',
      '59m59s',
      '2h07m',
      '?',
      '?',
    ]);
    expect(formatProgressLine(at(12))).toBe('sweep: 12/40 points, 2 workers, ETA 14s');
    expect(formatProgressLine({ ...at(0, 4, null), workers: 1 })).toBe('sweep: 0/4 points, 1 worker, ETA ?');
    expect([950, 12_345, 4_560_000].map(formatRate)).toEqual(['950', '12.3k', '4.56M']);
  });

  it('prints plain lines at the start, every tenth, after the interval, and at the end', () => {
    const stream = new Capture();
    let clock = 0;
    const reporter = createProgressReporter({ stream, tty: false, intervalSeconds: 10, now: () => clock });
    reporter.update(at(0, 40, null));
    for (let done = 1; done <= 40; done++) {
      clock += done === 17 ? 12 : 0.5;
      reporter.update(at(done));
    }
    reporter.stop();
    expect(
      stream.text
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(/ (\d+)\//.exec(l)![1])),
    ).toEqual([0, 4, 8, 12, 16, 17, 20, 24, 28, 32, 36, 40]);
  });

  it('prints the last state on stop when it was not printed yet', () => {
    const stream = new Capture();
    const reporter = createProgressReporter({ stream, tty: false, intervalSeconds: 1000, now: () => 0 });
    reporter.update(at(0, 100));
    reporter.update(at(3, 100));
    reporter.stop();
    expect(stream.text).toBe('sweep: 0/100 points, 2 workers, ETA 14s\nsweep: 3/100 points, 2 workers, ETA 14s\n');
  });

  it('draws a bar with ETA on a terminal', () => {
    const stream = new Capture();
    stream.isTTY = true;
    const reporter = createProgressReporter({ stream });
    reporter.update(at(0, 40, null));
    reporter.update(at(12));
    reporter.stop();
    expect(stream.text).toContain('12/40 points | 2 workers | ETA 14s');
  });
});
