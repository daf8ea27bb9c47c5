/**
 * The journal of a sweep folder (DIR/results.jsonl, see store.ts): one line per finished point,
 * each ending with a checksum of its content; appended and fsynced as points finish, read back
 * and checked against the plan by --resume and merge.
 */
import { closeSync, fsyncSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../config/canonical.js';
import { SweepError } from './errors.js';
import type { SweepPlan } from './plan.js';
import type { Cell, JournalEntry } from './results.js';
import { formatShard, inShard, type Shard } from './shard.js';
import { errnoText } from '../util/errno-text.js';
import { describeShard, JOURNAL_FILE, unwritable } from './files.js';
import { assertWritableTarget, openAppendSafe } from '../util/safe-write.js';

/**
 * One journal line: the entry as JSON, non-finite numbers as {"$number": "NaN"} and the like,
 * ending with "sum": the first 16 hex digits of sha256 of the line before it was added (so of the
 * point, its key, config hash, seed, events and row). An edit of a line that is still valid JSON
 * (a changed number, a moved point) no longer matches its sum and --resume and merge refuse it.
 * The sum guards against accidents and hand edits, not against someone who recomputes it.
 * Journals written before sums existed are refused with a message saying so (see readJournal).
 */
export function encodeEntry(entry: JournalEntry): string {
  const body = entryBody(entry);
  return `${body.slice(0, -1)},"sum":"${entrySum(body)}"}\n`;
}

function entryBody(entry: JournalEntry): string {
  const ordered = {
    point: entry.point,
    key: entry.key,
    configHash: entry.configHash,
    seed: entry.seed,
    events: entry.events,
    row: entry.row,
  };
  return JSON.stringify(ordered, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value,
  );
}

const entrySum = (body: string) => sha256Hex(body).slice(0, 16);

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A journal line that parses but fails its checksum (or has none). */
class ChecksumError extends Error {}

function decodeEntry(line: string): JournalEntry {
  const parsed = JSON.parse(line, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const tag = (value as { $number?: unknown }).$number;
      if (keys.length === 1 && typeof tag === 'string' && tag in NON_FINITE) return NON_FINITE[tag];
    }
    return value;
  }) as JournalEntry & { sum?: unknown };
  if (parsed === null || typeof parsed !== 'object') throw new ChecksumError('not a journal entry');
  const { sum, ...entry } = parsed;
  if (typeof sum !== 'string') throw new ChecksumError('has no checksum');
  if (entrySum(entryBody(entry)) !== sum) throw new ChecksumError('does not match its checksum');
  return entry;
}

function isCell(value: unknown): value is Cell {
  return value === null || ['number', 'string', 'boolean'].includes(typeof value);
}

export interface JournalContents {
  /** Finished points by index. */
  entries: Map<number, JournalEntry>;
  /** Whether a partial last line (left by a kill) was found. */
  partialLine: boolean;
}

/**
 * Read `dir`'s journal and check every line against the plan and shard. A partial last line is
 * ignored, and cut off when `repair` is set; any other bad line is an error.
 */
export function readJournal(
  dir: string,
  plan: SweepPlan,
  shard: Shard | null,
  options: { repair?: boolean } = {},
): JournalContents {
  const path = join(dir, JOURNAL_FILE);
  const entries = new Map<number, JournalEntry>();
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries, partialLine: false };
    throw new SweepError(`cannot read ${path} (${errnoText(err)})`);
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  const partialLine = end < bytes.length;
  if (partialLine && options.repair === true) {
    try {
      assertWritableTarget(path);
      truncateSync(path, end);
    } catch (err) {
      throw unwritable(dir, err);
    }
  }
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `${path} line ${i + 1}`;
    let entry: JournalEntry;
    try {
      entry = decodeEntry(line);
    } catch (err) {
      if (!(err instanceof ChecksumError)) {
        throw new SweepError(`${where} is damaged (not JSON); only a last line can be cut short by a kill`);
      }
      if (err.message === 'has no checksum') {
        throw new SweepError(
          `${where} has no checksum: the journal was written by an older mermap-lab or edited by hand;` +
            ` run the sweep again into a new --out`,
        );
      }
      throw new SweepError(
        `${where} was changed after it was written (${err.message}); run that point again by deleting the line`,
      );
    }
    const point =
      Number.isSafeInteger(entry?.point) && entry.point >= 0 && entry.point < plan.size
        ? plan.point(entry.point)
        : undefined;
    if (
      point === undefined ||
      entry.key !== point.key ||
      entry.configHash !== point.configHash ||
      entry.seed !== point.seed ||
      typeof entry.events !== 'number' ||
      entry.row === null ||
      typeof entry.row !== 'object' ||
      !Object.values(entry.row).every(isCell)
    ) {
      throw new SweepError(`${where} does not belong to this sweep`);
    }
    if (!inShard(entry.point, shard, plan.shardUnit)) {
      throw new SweepError(`${where} holds point ${entry.point}, which is not in ${describeShard(formatShard(shard))}`);
    }
    const previous = entries.get(entry.point);
    if (previous !== undefined && encodeEntry(previous) !== encodeEntry(entry)) {
      throw new SweepError(`${where} repeats point ${entry.point} with different results`);
    }
    entries.set(entry.point, entry);
  });
  return { entries, partialLine };
}

/** Appends finished points to a journal, one write and one fsync per point. */
export class Journal {
  readonly path: string;
  #fd: number;

  constructor(dir: string) {
    this.path = join(dir, JOURNAL_FILE);
    try {
      this.#fd = openAppendSafe(this.path);
    } catch (err) {
      throw unwritable(dir, err);
    }
  }

  append(entry: JournalEntry): void {
    const bytes = Buffer.from(encodeEntry(entry), 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
