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
import { closeSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COLUMN_NAMES_VERSION } from '../analysis/columns/index.js';
import { SweepError } from './errors.js';
import { shardSize, type SweepPlan } from './plan.js';
import type { Provenance } from './provenance.js';
import { errnoText } from '../util/errno-text.js';
import { ARROW_FILE, CSV_FILE, describeShard, JOURNAL_FILE, SWEEP_FILE, unwritable } from './files.js';
import { encodeEntry } from './journal.js';
import { encodeResults, type JournalEntry, type TableContext } from './results.js';
import { formatShard, type Shard } from './shard.js';
import { specHash, type SweepSpec } from './spec.js';
import { FolderLockedError, openOutputFolder, type OutputFolder } from '../util/folder-lock.js';
import { makeDirs } from '../util/make-dirs.js';
import { RUN_FILE } from '../run/run-files.js';
import { openAppendSafe, removeStaleTemps, UnsafeFileError, writeFileSafe } from '../util/safe-write.js';

export { ARROW_FILE, CSV_FILE, JOURNAL_FILE, SWEEP_FILE, unwritable };
/** files of results that a new sweep's folder must not hold: another sweep's, or a run's (run --out) */
const RESULT_FILES = [JOURNAL_FILE, CSV_FILE, ARROW_FILE, RUN_FILE];

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
  /** COLUMN_NAMES_VERSION of the code that wrote the folder (absent: 1) */
  columnNames: number;
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
      inShard: shardSize(plan.size, shard, plan.shardUnit),
    },
    packageVersion: provenance.packageVersion,
    gitCommit: provenance.gitCommit,
    columnNames: COLUMN_NAMES_VERSION,
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
  const columnNames = record.columnNames ?? 1;
  if (columnNames !== COLUMN_NAMES_VERSION) {
    throw new SweepError(
      `${path} was written with column names version ${columnNames}` +
        `${OLD_COLUMN_NAMES[columnNames] ?? ''}, but this mermap-lab writes version ${COLUMN_NAMES_VERSION}` +
        ' (one column per quantity, snake_case names in the files); its results cannot be resumed, merged or' +
        ' reported by this version:' +
        ' run the sweep again into a new --out, or use the mermap-lab that wrote it',
    );
  }
  return record;
}

/** What the files of an older column-names version look like (COLUMN_NAMES_VERSION). */
const OLD_COLUMN_NAMES: Readonly<Record<number, string>> = {
  1: ' (a grid path repeated as its own column)',
  2: ' (camelCase column names in the files)',
};

const shortHash = (hash: string) => hash.slice(0, 12);
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
