import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromArrow } from 'arquero';
import { runReportData, sweepReportData, type ReportData, type RunArtifacts } from '../analysis/reports.js';
import { UsageError } from './errors.js';

/** Read a sweep's results back (the Arrow file; arquero reads the CSV the same way). */
export function readSweepRows(dir: string): { name: string; rows: Array<Record<string, unknown>> } {
  const arrow = join(dir, 'results.arrow');
  if (!existsSync(arrow))
    throw new UsageError(
      `${dir}: no results.arrow: the sweep has not finished (run it with --resume), or it is a shard (merge the shards first)`,
    );
  const record = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { name?: string };
  const table = fromArrow(readFileSync(arrow));
  return { name: record.name ?? 'sweep', rows: table.objects() as Array<Record<string, unknown>> };
}

/** The report of a run folder (run --out) or a sweep folder, and for a sweep its summary text. */
export function reportDataOf(dir: string): { data: ReportData; text: string | null } {
  if (existsSync(join(dir, 'sweep.json'))) {
    const { name, rows } = readSweepRows(dir);
    const r = sweepReportData(name, rows);
    return { data: r.report, text: r.text };
  }
  const runFile = join(dir, 'run.json');
  if (existsSync(runFile)) {
    let artifacts: RunArtifacts;
    try {
      artifacts = JSON.parse(readFileSync(runFile, 'utf8')) as RunArtifacts;
    } catch (e) {
      throw new UsageError(`${runFile}: not a run written by mermap-lab run --out: ${(e as Error).message}`);
    }
    return { data: runReportData(artifacts), text: null };
  }
  throw new UsageError(`${dir}: neither a sweep folder (sweep.json) nor a run folder (run.json)`);
}

/** Write report.html plus one SVG and one PNG per chart into `out` (vega is loaded only here). */
export async function writeReportFiles(data: ReportData, out: string): Promise<string[]> {
  const { writeReport } = await import('../render/index.js');
  try {
    const files = await writeReport(out, data);
    return [files.html, ...files.charts.flatMap((c) => [c.svg, c.png])];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'EROFS' || code === 'ENOTDIR')
      throw new UsageError(`${out}: cannot write the report: ${(e as Error).message}`);
    throw e;
  }
}

export async function reportCommand(dir: string, o: { out?: string }): Promise<number> {
  if (o.out === undefined) throw new UsageError('--out DIR is required');
  const { data, text } = reportDataOf(dir);
  const files = await writeReportFiles(data, o.out);
  if (text !== null) process.stdout.write(`${text}\n`);
  process.stdout.write(
    `report: ${files.length} files in ${o.out} (report.html, ${(files.length - 1) / 2} charts as SVG and PNG)\n`,
  );
  return 0;
}
