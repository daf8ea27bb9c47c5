/** What the journal and store tests share: one planned spec, its sweep.json record, entries of it. */
import { expect } from 'vitest';
import { SweepError } from '../../src/sweep/errors.js';
import { planSweep } from '../../src/sweep/plan.js';
import type { JournalEntry } from '../../src/sweep/results.js';
import { loadSweepSpec } from '../../src/sweep/spec.js';
import { makeRecord } from '../../src/sweep/store.js';
import { SPEC_FILE } from './helpers.js';

export const provenance = { packageVersion: '1.2.3', gitCommit: 'abc' };
export const plan = planSweep(loadSweepSpec(SPEC_FILE));
export const record = makeRecord(plan, null, provenance);

/** The journal entry of one point of the plan, with a row of its own. */
export function entry(point: number, row: JournalEntry['row'] = { v: point }): JournalEntry {
  const p = plan.points[point]!;
  return { point, key: p.key, configHash: p.configHash, seed: p.seed, events: 10, row };
}

/** The SweepError that run throws (fails the test if it throws something else or nothing). */
export function error(run: () => unknown): SweepError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SweepError);
    return err as SweepError;
  }
  throw new Error('expected a SweepError');
}
