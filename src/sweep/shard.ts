/**
 * Shards: `--shard i/N` runs the points whose index is i modulo N.
 *
 * Numbering is 0-based, 0 <= i < N, so a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (0..N-1)
 * is the shard as is, and a Slurm array is written `--array=0-(N-1)`. The N shards are disjoint
 * and together hold every point; dealing points round-robin by canonical index gives each shard
 * a similar mix of cheap and expensive grid corners.
 */
import { SweepError } from './errors.js';

export interface Shard {
  /** 0-based shard number, 0 <= index < count. */
  index: number;
  count: number;
}

const SHARD = /^(0|[1-9][0-9]*)\/([1-9][0-9]*)$/;

export function parseShard(text: string): Shard {
  const match = SHARD.exec(text.trim());
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!(index < count) || !Number.isSafeInteger(count)) {
    throw new SweepError(`--shard: expected i/N with 0 <= i < N (0-based, e.g. 0/3), got '${text}'`);
  }
  return { index, count };
}

export function formatShard(shard: Shard | null): string | null {
  return shard === null ? null : `${shard.index}/${shard.count}`;
}

/** Whether point `pointIndex` is in `shard`, points dealt `unit` at a time (plan.shardUnit). */
export function inShard(pointIndex: number, shard: Shard | null, unit = 1): boolean {
  return shard === null || Math.floor(pointIndex / unit) % shard.count === shard.index;
}

/** The members of `items` (each with a canonical `index`) that belong to `shard`. */
export function selectShard<T extends { index: number }>(items: readonly T[], shard: Shard | null): T[] {
  return items.filter((item) => inShard(item.index, shard));
}
