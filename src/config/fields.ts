/**
 * Field builders for the run config's zod schemas: the same "allowed" text for the type check and
 * every range check, so each issue's message is exactly what is allowed.
 */
import { z } from 'zod';
import { REAL_LIMITS, realAllowed, sizeAllowed, type SizeLimit } from './limits.js';

export function intField(allowed: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}
/** A size bounded by one of LIMITS; every issue says the whole allowed range. */
export function sizeField(limit: SizeLimit) {
  return intField(`must be ${sizeAllowed(limit)}`, limit.min, limit.max);
}
/** A real-valued parameter bounded by one of REAL_LIMITS, `noun` saying what it is ("a rate in Hz"). */
export function realField(noun: string, limit: SizeLimit, opts: { exclusiveMin?: boolean } = {}) {
  const exclusiveMin = opts.exclusiveMin ?? false;
  return numField(`must be ${realAllowed(noun, limit, exclusiveMin)}`, limit.min, { exclusiveMin, max: limit.max });
}
/** A duration in µs or ns, at most REAL_LIMITS.durationSeconds in that unit. */
export function durationField(unit: 'µs' | 'ns', opts: { exclusiveMin?: boolean } = {}) {
  const s = REAL_LIMITS.durationSeconds;
  const scale = unit === 'µs' ? 1e6 : 1e9;
  return realField(`a duration in ${unit}`, { min: s.min, max: s.max * scale, unit }, opts);
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
export const zeroCyclesField = () =>
  realField('a number of cycles', REAL_LIMITS.zeroCyclesPerPage, { exclusiveMin: true });
export const cpuGhzField = () => realField('a clock in GHz', REAL_LIMITS.cpuGhz);
export const boolField = () => z.boolean({ error: 'must be true or false' });
