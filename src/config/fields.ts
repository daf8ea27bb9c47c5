/**
 * Field builders for the run config's zod schemas: the same "allowed" text for the type check and
 * every range check, so each issue's message is exactly what is allowed.
 */
import { z } from 'zod';
import { tooLarge, type SizeLimit } from './limits.js';

export function intField(allowed: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}
/** A size bounded by one of LIMITS: below the minimum says `allowed`, above the maximum says the limit. */
export function sizeField(allowed: string, limit: SizeLimit) {
  return z
    .number({ error: allowed })
    .int({ error: allowed })
    .min(limit.min, { error: allowed })
    .max(limit.max, { error: tooLarge(limit) });
}
export function numField(allowed: string, min: number, opts: { exclusiveMin?: boolean; max?: number } = {}) {
  let s = z.number({ error: allowed });
  s = opts.exclusiveMin ? s.gt(min, { error: allowed }) : s.min(min, { error: allowed });
  if (opts.max !== undefined) s = s.max(opts.max, { error: allowed });
  return s;
}
export function probField() {
  return numField('must be a probability in [0, 1]', 0, { max: 1 });
}
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
}
export function obj<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: 'must be an object' });
}
const PATH_ALLOWED = 'must be a non-empty file path';
export function pathField() {
  return z.string({ error: PATH_ALLOWED }).min(1, { error: PATH_ALLOWED });
}
export const zeroCyclesField = () => numField('must be a number of cycles > 0', 0, { exclusiveMin: true });
export const cpuGhzField = () => numField('must be a clock in GHz > 0', 0, { exclusiveMin: true });
export const boolField = () => z.boolean({ error: 'must be true or false' });
