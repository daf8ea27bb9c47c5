import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mergeCommand, sweepCommand } from '../sweep/cli.js';
import { reportDataOf, writeReportFiles } from './report.js';
import { printable } from '../util/printable.js';
import { ConfigError, parseRunConfig } from '../config/index.js';

/** The worker every sweep point runs in: src/run/point.ts (a .js URL falls back to .ts from sources). */
const RUN_POINT = { module: new URL('../run/point.js', import.meta.url), export: 'runPoint' };

function validatePoint(config: object): string[] {
  try {
    parseRunConfig(config, 'point');
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    return [e instanceof Error ? e.message : String(e)];
  }
}

export interface SweepCliOptions {
  preset?: string;
  out?: string;
  workers?: string;
  shard?: string;
  resume?: boolean;
  report?: boolean;
  /** -q: no progress and no summary on stderr */
  quiet?: boolean;
  /** PNG pixels per chart pixel (--scale) */
  scale?: number;
}

/**
 * mermap-lab sweep: run the points (src/sweep), then, once every point of an unsharded sweep is
 * in, print the region-size recommendation and write the charts and report.html into DIR.
 */
export async function sweepCli(spec: string | undefined, o: SweepCliOptions): Promise<number> {
  const code = await sweepCommand({
    spec,
    preset: o.preset,
    out: o.out,
    workers: o.workers,
    shard: o.shard,
    resume: o.resume,
    quiet: o.quiet,
    worker: RUN_POINT,
    validatePoint,
  });
  if (code !== 0 || o.out === undefined || o.report === false) return code;
  const sharded = o.shard !== undefined && !/^\s*0\s*\/\s*1\s*$/.test(o.shard);
  if (sharded || !existsSync(join(o.out, 'results.arrow'))) {
    process.stderr.write(
      `sweep: shard ${printable(o.shard ?? '')} done; join the shards with mermap-lab merge DIR... --out MERGED, then mermap-lab report MERGED --out REPORT\n`,
    );
    return code;
  }
  const { data, text } = reportDataOf(o.out);
  const files = await writeReportFiles(data, o.out, o.scale);
  if (text !== null) process.stdout.write(`\n${printable(text)}\n`);
  process.stdout.write(
    `\n${printable(o.out)}: results.csv, results.arrow, report.html and ${(files.length - 1) / 2} charts (SVG and PNG)\n`,
  );
  return code;
}

export async function mergeCli(dirs: string[], o: { out?: string }): Promise<number> {
  return mergeCommand({ dirs, out: o.out });
}
