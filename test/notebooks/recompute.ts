/**
 * Recompute, from the library sources, every number a notebook states: the same scenarios and
 * runs the notebook describes, from the parameters it recorded in its facts file. The notebook
 * test compares the result with the facts file and with the executed notebook's text, so a
 * number typed into a notebook by hand (or computed from something else) fails.
 *
 * This is deliberately written apart from the notebooks (not shared with them): a mistake in a
 * notebook's computation shows up as a mismatch.
 */
import { template } from './recompute/00-template.js';
import { tour } from './recompute/01-tour.js';
import { regionSize } from './recompute/02-region-size-tuning.js';
import { cpuScaling } from './recompute/03-cpu-scaling.js';
import { reviewBugs } from './recompute/04-review-bugs.js';
import { flushPolicies } from './recompute/05-flush-policies.js';
import { traceReplay } from './recompute/06-trace-replay.js';
import type { FactValue, Params } from './recompute/shared.js';

export type { FactValue } from './recompute/shared.js';

/** Each notebook's recomputation, by notebook name. */
export const RECOMPUTE: Record<string, (params: Params) => Promise<Record<string, FactValue>>> = {
  '00-template': template,
  '01-tour': tour,
  '02-region-size-tuning': regionSize,
  '03-cpu-scaling': cpuScaling,
  '04-review-bugs': reviewBugs,
  '05-flush-policies': flushPolicies,
  '06-trace-replay': traceReplay,
};
