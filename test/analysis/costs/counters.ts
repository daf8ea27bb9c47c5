/** Cost counters that are all zero: the tests set only the counts a case is about. */
import type { CostCounters } from '../../../src/analysis/cost-models.js';

export const ZERO_COUNTERS: Readonly<CostCounters> = Object.freeze({
  gets: 0,
  invlpgs: 0,
  flushAlls: 0,
  cr3Flushes: 0,
  invpcids: 0,
  walks: 0,
  shootdowns: 0,
  ipis: 0,
  workCycles: 0,
});
