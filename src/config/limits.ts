/**
 * The bounds of every size a run config or the CLI accepts, in one place: the schema's fields and
 * the CLI's flag parsers both read them, so `--cpus 300000` and `machine.possibleCpus: 300000`
 * fail the same way, with the same allowed range.
 */
import { MAX_CPUS } from '../core/defaults.js';

export interface SizeLimit {
  min: number;
  max: number;
  /** What the number counts, for messages: "pages", "CPUs". */
  unit: string;
}

/**
 * Largest region the simulator takes, in pages (1 GiB of VA per CPU). A bound of this simulator,
 * not of the kernel: per-region state (checker chunks, region timelines) is sized by it.
 */
export const MAX_REGION_PAGES = 2 ** 18;

/** Most slots per CPU per mm (mermap slots, kmap_local slots): per-CPU state is sized by it. */
export const MAX_SLOTS = 1024;

/** Most processes per CPU or threads per process a generator creates: a simulator bound (each mm carries page tables). */
export const MAX_TASKS_PER_LEVEL = 1024;

/** PID_MAX_LIMIT on 64-bit (include/linux/threads.h: 4 * 1024 * 1024): no kernel runs more tasks. */
export const PID_MAX_LIMIT = 4 * 1024 * 1024;

export const LIMITS = {
  cpus: { min: 1, max: MAX_CPUS, unit: 'CPUs' },
  regionPages: { min: 2, max: MAX_REGION_PAGES, unit: 'pages' },
  slots: { min: 1, max: MAX_SLOTS, unit: 'slots' },
  mmsPerCpu: { min: 1, max: MAX_TASKS_PER_LEVEL, unit: 'processes' },
  threadsPerMm: { min: 1, max: MAX_TASKS_PER_LEVEL, unit: 'threads' },
  events: { min: 1, max: Number.MAX_SAFE_INTEGER, unit: 'events' },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER, unit: '' },
} as const satisfies Record<string, SizeLimit>;

/** "a whole number of CPUs in 1..8192": the allowed range of a size, in words. */
export function sizeAllowed(limit: SizeLimit): string {
  const unit = limit.unit === '' ? '' : ` of ${limit.unit}`;
  return limit.max === Number.MAX_SAFE_INTEGER
    ? `a whole number${unit} >= ${limit.min}`
    : `a whole number${unit} in ${limit.min}..${limit.max}`;
}

/** "must be at most 262144 pages": the message for a size above its limit. */
export function tooLarge(limit: SizeLimit): string {
  return `must be at most ${limit.max}${limit.unit === '' ? '' : ` ${limit.unit}`}`;
}

/**
 * A size from the command line: decimal digits only (no `0x40`, `1e9`, signs or spaces), within
 * the limit. Returns the number, or what is wrong with it in the words of the flag parsers.
 */
export function parseDecimalSize(text: string, limit: SizeLimit): number | string {
  if (!/^[0-9]+$/.test(text)) return `must be a whole number >= ${limit.min} in decimal digits`;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < limit.min) return `must be a whole number >= ${limit.min}`;
  if (n > limit.max) return tooLarge(limit);
  return n;
}
