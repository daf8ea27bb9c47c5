import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromArrow } from 'arquero';
import { InvalidArgumentError } from 'commander';
import { rowsFromFile } from '../analysis/columns/index.js';
import { runReportData, sweepReportData, type ReportData, type RunArtifacts } from '../analysis/reports.js';
import type { Targets } from '../analysis/recommend-verdict.js';
import { specTargets } from '../sweep/adaptive.js';
import { withOutDir } from './atomic.js';
import { UsageError } from './errors.js';
import { RUN_FILE } from '../run/run-files.js';
import { LEAD_COLUMNS } from '../sweep/results.js';
import { canonicalJson, sha256Hex } from '../config/canonical.js';
import { currentProvenance } from '../sweep/provenance.js';
import { ARROW_FILE, readSweepRecord, SWEEP_FILE, type SweepRecord } from '../sweep/store.js';
import { errnoText } from '../util/errno-text.js';
import { printable } from '../util/printable.js';
import { UnsafeFileError } from '../util/safe-write.js';

/** Refuse a folder to read that is missing or a file, before looking for what it holds. */
function folderToRead(dir: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (e) {
    throw new UsageError(`${dir}: cannot read the folder (${errnoText(e)})`);
  }
  if (!isFolder) throw new UsageError(`${dir}: not a folder (it is a file)`);
}

/** Read a sweep's results back (the Arrow file), checked against its sweep.json. */
export function readSweepRows(dir: string): {
  name: string;
  specHash: string;
  rows: Array<Record<string, unknown>>;
  record: SweepRecord;
} {
  folderToRead(dir);
  const arrow = join(dir, ARROW_FILE);
  if (!existsSync(arrow))
    throw new UsageError(
      `${dir}: no results.arrow: the sweep has not finished (run it with --resume), or it is a shard (merge the shards first)`,
    );
  const record = readSweepRecord(dir);
  if (record === null) throw new UsageError(`${join(dir, SWEEP_FILE)}: missing`);
  let rows: Array<Record<string, unknown>>;
  try {
    rows = rowsFromFile(fromArrow(readFileSync(arrow)).objects() as Array<Record<string, unknown>>, record.gridPaths);
  } catch (e) {
    throw new UsageError(`${arrow}: not a results table (damaged or cut short: ${(e as Error).message})`);
  }
  const expected = record.shard === null ? record.points.total : record.points.inShard;
  const missing = LEAD_COLUMNS.find((c) => rows.length > 0 && !(c in rows[0]!));
  // an adaptive sweep runs between its minimum and its cap of replicates per combination
  const countOk =
    record.spec.adaptive === undefined ? rows.length === expected : rows.length > 0 && rows.length <= expected;
  if (!countOk || missing !== undefined) {
    throw new UsageError(
      `${arrow}: not the results of ${join(dir, SWEEP_FILE)}: ` +
        (missing !== undefined ? `no '${missing}' column` : `${rows.length} rows for ${expected} points`) +
        `; run the sweep again with --resume to rewrite it`,
    );
  }
  return { name: record.name, specHash: record.specHash, rows, record };
}

/** The fields of run.json that the report reads, with what each must be. */
const RUN_FIELDS: Array<[keyof RunArtifacts, string, (v: unknown) => boolean]> = [
  ['report', 'an object with a config', (v) => typeof v === 'object' && v !== null && 'config' in v],
  ['perCpu', 'a list', Array.isArray],
  ['perMm', 'a list', Array.isArray],
  ['timeSeries', 'a list', Array.isArray],
  ['regionTimeline', 'a list', Array.isArray],
  ['regionText', 'a string', (v) => typeof v === 'string'],
];

function readRunArtifacts(runFile: string): RunArtifacts {
  let artifacts: Record<string, unknown>;
  try {
    artifacts = JSON.parse(readFileSync(runFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${runFile}: not a run written by mermap-lab run --out: ${(e as Error).message}`);
  }
  if (artifacts === null || typeof artifacts !== 'object' || Array.isArray(artifacts)) {
    throw new UsageError(`${runFile}: not a run written by mermap-lab run --out: not a JSON object`);
  }
  for (const [field, what, ok] of RUN_FIELDS) {
    if (!ok(artifacts[field])) {
      throw new UsageError(`${runFile}: not a run written by mermap-lab run --out: field ${field} must be ${what}`);
    }
  }
  return artifacts as unknown as RunArtifacts;
}

/** A word of a command line as a POSIX shell would need it. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The footer of the page: what wrote it, from which data, when and how. The date is
 * SOURCE_DATE_EPOCH (seconds) when set, so a rebuilt page can be byte-identical.
 */
function provenanceLines(hash: [string, string]): Array<[string, string]> {
  const { packageVersion, gitCommit } = currentProvenance();
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = Number.isFinite(epoch) && process.env.SOURCE_DATE_EPOCH !== '' ? new Date(epoch * 1000) : new Date();
  return [
    ['mermap-lab', packageVersion],
    ['git commit', gitCommit ?? 'unknown'],
    ['date', date.toISOString()],
    ['command', ['mermap-lab', ...process.argv.slice(2)].map(shellWord).join(' ')],
    hash,
  ];
}

/** The report of a run folder (run --out) or a sweep folder, and for a sweep its summary text. */
export function reportDataOf(dir: string, targets?: Targets): { data: ReportData; text: string | null } {
  folderToRead(dir);
  if (existsSync(join(dir, SWEEP_FILE))) {
    const { name, rows, record, specHash: hash } = readSweepRows(dir);
    const r = sweepReportData(name, rows, targets ?? specTargets(record.spec), record.spec.scenarios?.set);
    return { data: { ...r.report, provenance: provenanceLines(['sweep spec hash', hash]) }, text: r.text };
  }
  const runFile = join(dir, RUN_FILE);
  if (existsSync(runFile)) {
    const artifacts = readRunArtifacts(runFile);
    const hash = sha256Hex(canonicalJson(artifacts.report.config));
    try {
      return { data: { ...runReportData(artifacts), provenance: provenanceLines(['config hash', hash]) }, text: null };
    } catch (e) {
      throw new UsageError(`${runFile}: not a run written by mermap-lab run --out: ${(e as Error).message}`);
    }
  }
  throw new UsageError(`${dir}: neither a sweep folder (sweep.json) nor a run folder (run.json)`);
}

/** Write report.html plus one SVG and one PNG per chart into `out` (vega is loaded only here). */
export async function writeReportFiles(data: ReportData, out: string, scale = 1): Promise<string[]> {
  const { writeReport } = await import('../render/index.js');
  try {
    const files = await withOutDir(out, 'mermap-lab report', () => writeReport(out, data, { scale }));
    return [files.html, ...files.charts.flatMap((c) => [c.svg, c.png])];
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof UnsafeFileError) throw new UsageError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'EROFS' || code === 'ENOTDIR')
      throw new UsageError(`${out}: cannot write the report (${errnoText(e)})`);
    throw e;
  }
}

/** `mermap-lab report DIR [--out OUT]`: the report goes into DIR itself unless --out names another folder. */
export async function reportCommand(dir: string, o: { out?: string; scale?: number }): Promise<number> {
  const out = o.out ?? dir;
  const { data, text } = reportDataOf(dir);
  if (o.out !== undefined) refuseOtherResults(o.out, dir);
  const files = await writeReportFiles(data, out, o.scale);
  if (text !== null) process.stdout.write(`${printable(text)}\n`);
  process.stdout.write(
    `report: ${files.length} files in ${printable(out)} (report.html, ${(files.length - 1) / 2} charts as SVG and PNG)\n`,
  );
  return 0;
}

/**
 * `--out` naming another sweep's or run's folder is refused before anything is written, as `run`
 * and `sweep` refuse one: the report of DIR would put its report.html and charts there, in place
 * of that folder's own, beside results they do not describe. DIR itself (the default) may.
 */
function refuseOtherResults(out: string, dir: string): void {
  let same: boolean;
  try {
    same = realpathSync(out) === realpathSync(dir);
  } catch {
    return; // no such folder yet, or none to read: writing the report says what is wrong
  }
  if (same) return;
  for (const [file, whose] of [
    [SWEEP_FILE, "a sweep's"],
    [RUN_FILE, "a run's"],
  ] as const) {
    if (existsSync(join(out, file))) {
      throw new UsageError(
        `${out}: holds ${whose} results (${file}), which a report of ${dir} there would not describe;` +
          ' choose another --out, or leave it out to write the report into the folder it reports',
      );
    }
  }
}

/** --scale: the PNGs' pixels per SVG pixel (2 for slides), a number in (0, 16]. */
export function scaleOption(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 16)
    throw new InvalidArgumentError(`--scale must be a number in (0, 16], got "${v}"`);
  return n;
}
