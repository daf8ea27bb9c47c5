/**
 * The output folder of a sweep (or of one shard):
 *
 *   DIR/sweep.json     what this folder holds: the spec and its hash, the shard, the point
 *                      counts, the package version and git commit. Written first, atomically.
 *   DIR/.lock          the writing process (util/folder-lock.ts): one writer per folder.
 *   DIR/results.jsonl  the journal: one line per finished point, appended and fsynced the moment
 *                      the point finishes, in whatever order points finish. A kill can only
 *                      leave a partial last line (no newline yet); readers ignore it and
 *                      --resume cuts it off before appending. Once every point is in, the journal
 *                      is rewritten in canonical order. Each line ends with a checksum of its
 *                      content (encodeEntry), so an edited line is refused with its number.
 *   DIR/results.csv    the results table (results.ts), canonical order; written (temp file +
 *   DIR/results.arrow  rename) when every point of the folder's shard is done, on resume and
 *                      on merge. Until then they do not exist.
 *
 * Nothing here depends on time or on which worker ran what, so a folder's files are the same
 * bytes for any worker count, and a merged folder is byte for byte an unsharded run's folder.
 */
import { closeSync, existsSync, fsyncSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from './canonical.js';
import { SweepError } from './errors.js';
import { shardSize, type SweepPlan } from './plan.js';
import type { Provenance } from './provenance.js';
import { encodeResults, type Cell, type JournalEntry, type TableContext } from './results.js';
import { formatShard, inShard, type Shard } from './shard.js';
import { specHash, type SweepSpec } from './spec.js';
import { FolderLockedError, openOutputFolder, type OutputFolder } from '../util/folder-lock.js';
import { makeDirs } from '../util/make-dirs.js';
import {
  assertWritableTarget,
  openAppendSafe,
  removeStaleTemps,
  UnsafeFileError,
  writeFileSafe,
} from '../util/safe-write.js';

export const SWEEP_FILE = 'sweep.json';
export const JOURNAL_FILE = 'results.jsonl';
export const CSV_FILE = 'results.csv';
export const ARROW_FILE = 'results.arrow';
const RESULT_FILES = [JOURNAL_FILE, CSV_FILE, ARROW_FILE];

export const RECORD_FORMAT = 'mermap-lab-sweep/1';

/** The contents of sweep.json. */
export interface SweepRecord {
  format: typeof RECORD_FORMAT;
  name: string;
  specHash: string;
  /** `i/N`, or null for the whole sweep. */
  shard: string | null;
  points: { total: number; inShard: number };
  packageVersion: string;
  gitCommit: string | null;
  gridPaths: string[];
  /** The spec, without `workers`. */
  spec: SweepSpec;
}

export function storedSpec(spec: SweepSpec): SweepSpec {
  const { workers: _workers, ...rest } = spec;
  return rest;
}

export function makeRecord(plan: SweepPlan, shard: Shard | null, provenance: Provenance): SweepRecord {
  return {
    format: RECORD_FORMAT,
    name: plan.spec.name,
    specHash: plan.specHash,
    shard: formatShard(shard),
    points: {
      total: plan.size,
      inShard: shardSize(plan.size, shard),
    },
    packageVersion: provenance.packageVersion,
    gitCommit: provenance.gitCommit,
    gridPaths: plan.gridPaths,
    spec: storedSpec(plan.spec),
  };
}

export function tableContext(plan: SweepPlan, provenance: Provenance): TableContext {
  return {
    gridPaths: plan.gridPaths,
    pointInfo: (index) => plan.point(index),
    provenance,
  };
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is not a folder',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file is in the way',
  };
  return code === undefined ? String(err) : `${code}${why[code] ? `: ${why[code]}` : ''}`;
}

export function unwritable(dir: string, err: unknown): SweepError {
  if (err instanceof UnsafeFileError) return new SweepError(err.message);
  return new SweepError(`cannot write to ${dir} (${errnoText(err)})`);
}

/** Lock `out` for `command` (creating it): a SweepError naming the holder when it cannot. */
export function openFolder(out: string, command: string): OutputFolder {
  try {
    return openOutputFolder(out, command);
  } catch (err) {
    if (err instanceof FolderLockedError || err instanceof UnsafeFileError) throw new SweepError(err.message);
    throw unwritable(out, err);
  }
}

/** Write a file so that readers see the old bytes or the new ones, never a mix, never through a link. */
export function writeFileAtomic(dir: string, name: string, data: string | Uint8Array): void {
  writeFileSafe(join(dir, name), data, { fsync: true });
}

/** sweep.json of `dir`, or null when there is none. Throws SweepError when it is not ours. */
export function readSweepRecord(dir: string): SweepRecord | null {
  const path = join(dir, SWEEP_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SweepError(`cannot read ${path} (${errnoText(err)})`);
  }
  let record: SweepRecord;
  try {
    record = JSON.parse(text) as SweepRecord;
  } catch {
    throw new SweepError(`${path} is not a sweep record (not JSON)`);
  }
  if (record?.format !== RECORD_FORMAT || typeof record.specHash !== 'string' || record.spec == null) {
    throw new SweepError(`${path} is not a sweep record (format ${RECORD_FORMAT})`);
  }
  if (specHash(record.spec) !== record.specHash) {
    throw new SweepError(`${path} is damaged: its spec does not match its spec hash`);
  }
  return record;
}

const shortHash = (hash: string) => hash.slice(0, 12);
const describeShard = (shard: string | null) => (shard === null ? 'the whole sweep' : `shard ${shard}`);
const describeVersion = (r: { packageVersion: string; gitCommit: string | null }) =>
  `mermap-lab ${r.packageVersion} at commit ${r.gitCommit ?? 'unknown'}`;

/**
 * Make `dir` ready to hold `record`'s results. A new or empty folder gets sweep.json. A folder
 * holding this same sweep and shard is resumed when `resume` is set (and refused otherwise); a
 * folder holding anything else is refused. Refusals throw SweepError before writing anything.
 * Returns whether an existing sweep folder is being resumed.
 */
export function prepareOutDir(dir: string, record: SweepRecord, resume: boolean): { resumed: boolean } {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new SweepError(`cannot write to ${dir} (it is a file, not a folder)`);
  }
  const existing = existsSync(dir) ? readSweepRecord(dir) : null;
  if (existing !== null) {
    if (existing.specHash !== record.specHash) {
      throw new SweepError(
        `${dir} holds the results of another sweep ('${existing.name}', spec hash ${shortHash(existing.specHash)});` +
          ` choose another --out`,
      );
    }
    if (existing.shard !== record.shard) {
      throw new SweepError(
        `${dir} holds ${describeShard(existing.shard)} of this sweep, not ${describeShard(record.shard)};` +
          ` choose another --out`,
      );
    }
    if (!resume) {
      throw new SweepError(
        `${dir} already holds results of this sweep; pass --resume to finish it, or choose another --out`,
      );
    }
    if (existing.packageVersion !== record.packageVersion || existing.gitCommit !== record.gitCommit) {
      throw new SweepError(
        `${dir} was started by ${describeVersion(existing)}, but this is ${describeVersion(record)};` +
          ` finish it with the same version, or choose another --out`,
      );
    }
    try {
      removeStaleTemps(dir);
      closeSync(openAppendSafe(join(dir, JOURNAL_FILE)));
    } catch (err) {
      throw unwritable(dir, err);
    }
    return { resumed: true };
  }
  if (existsSync(dir)) {
    const found = RESULT_FILES.filter((name) => existsSync(join(dir, name)));
    if (found.length > 0) {
      throw new SweepError(`${dir} holds ${found.join(', ')} but no ${SWEEP_FILE}; choose another --out`);
    }
  }
  try {
    makeDirs(dir);
    removeStaleTemps(dir);
    writeFileAtomic(dir, SWEEP_FILE, `${JSON.stringify(record, null, 2)}\n`);
  } catch (err) {
    throw unwritable(dir, err);
  }
  return { resumed: false };
}

// ---- the journal -------------------------------------------------------------------------

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
    if (!inShard(entry.point, shard)) {
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

/**
 * Write the canonical results of a folder whose points are all in: results.csv, results.arrow
 * and the journal rewritten in point order, each atomically.
 */
export function writeResults(
  dir: string,
  entries: Iterable<JournalEntry>,
  context: TableContext,
): { csv: string; arrow: string; journal: string } {
  const sorted = [...entries].sort((a, b) => a.point - b.point);
  const { csv, arrow } = encodeResults(sorted, context);
  try {
    writeFileAtomic(dir, CSV_FILE, csv);
    writeFileAtomic(dir, ARROW_FILE, arrow);
    writeFileAtomic(dir, JOURNAL_FILE, sorted.map(encodeEntry).join(''));
  } catch (err) {
    throw unwritable(dir, err);
  }
  return { csv: join(dir, CSV_FILE), arrow: join(dir, ARROW_FILE), journal: join(dir, JOURNAL_FILE) };
}
