import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mergeCommand, sweepCommand } from '../sweep/cli.js';
import { reportDataOf, writeReportFiles } from './report.js';
import { sweepOutputsOf, writeSweepOutputs } from './sweep-outputs.js';
import { printable } from '../util/printable.js';
import { ConfigError, parseRunConfig, type RunConfig } from '../config/index.js';
import { twinKey } from '../run/twins.js';
import { machineConfigOf } from '../run/run.js';
import { checkStateSize, maxStateBytes, processesOf } from '../run/state-size.js';
import { configuredMms, traceMms, traceMmsKey } from '../workloads/index.js';
import { warmUpConfigs } from '../run/warm-up.js';

/** The worker every sweep point runs in: src/run/point.ts (a .js URL falls back to .ts from sources). */
const RUN_POINT = { module: new URL('../run/point.js', import.meta.url), export: 'runPoint' };

/**
 * Processes of each trace the sweep's points read (traceMmsKey() -> count, or the error its scan
 * stopped on): a trace is scanned once when the sweep is planned, however many points read it.
 */
const traceMmsSeen = new Map<string, number | Error>();

/** traceMms() of a trace point, once per trace. */
function traceMmsOnce(c: RunConfig, key: string): number {
  let seen = traceMmsSeen.get(key);
  if (seen === undefined) {
    try {
      seen = traceMms(c);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      seen = e;
    }
    traceMmsSeen.set(key, seen);
  }
  if (seen instanceof Error) throw seen;
  return seen;
}

/**
 * A point's problems before anything runs: its config, and whether its simulator state would
 * pass the bound (src/run/state-size.ts; a trace's from its processes, read once per trace).
 */
function validatePoint(config: object): string[] {
  try {
    const c = parseRunConfig(config, 'point');
    const key = traceMmsKey(c);
    const mms = key === null ? configuredMms(c) : traceMmsOnce(c, key);
    if (mms !== null) checkStateSize(machineConfigOf(c), mms, processesOf(c, mms));
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
  replicates?: string;
  ciWidth?: string;
  maxReplicates?: string;
  maxFallback?: string;
  maxFlushCost?: string;
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
  maxStateBytes(); // a bad MERMAP_LAB_MAX_STATE_GIB: one line, not one per point
  const code = await sweepCommand({
    spec,
    preset: o.preset,
    out: o.out,
    workers: o.workers,
    shard: o.shard,
    resume: o.resume,
    replicates: o.replicates,
    ciWidth: o.ciWidth,
    maxReplicates: o.maxReplicates,
    maxFallback: o.maxFallback,
    maxFlushCost: o.maxFlushCost,
    quiet: o.quiet,
    worker: RUN_POINT,
    validatePoint,
    twinKey,
    warmUp: warmUpConfigs,
  });
  if (code !== 0 || o.out === undefined) return code;
  const sharded = o.shard !== undefined && !/^\s*0\s*\/\s*1\s*$/.test(o.shard);
  if (sharded || !existsSync(join(o.out, 'results.arrow'))) {
    process.stderr.write(
      `sweep: shard ${printable(o.shard ?? '')} done; join the shards with mermap-lab merge DIR... --out MERGED, then mermap-lab report MERGED --out REPORT\n`,
    );
    return code;
  }
  const outputs = sweepOutputsOf(o.out);
  await writeSweepOutputs(o.out, outputs);
  process.stdout.write(`\n${printable(outputs.table)}\n`);
  const data = o.report === false ? null : reportDataOf(o.out, outputs.targets).data;
  const charts = data === null ? 0 : ((await writeReportFiles(data, o.out, o.scale)).length - 1) / 2;
  process.stdout.write(
    `\n${printable(o.out)}: results.csv, results.arrow, points.csv, points.arrow, recommendation.json, summary.md, summary.txt` +
      (data === null ? '\n' : `, report.html and ${charts} charts (SVG and PNG)\n`),
  );
  return code;
}

/** mermap-lab summary DIR: the sweep's summary.txt (or summary.md with --markdown), from its results. */
export function summaryCli(dir: string, o: { markdown?: boolean }): number {
  const outputs = sweepOutputsOf(dir);
  process.stdout.write(printable(o.markdown === true ? outputs.summaryMarkdown : outputs.summaryText));
  return 0;
}

export async function mergeCli(dirs: string[], o: { out?: string }): Promise<number> {
  const code = await mergeCommand({ dirs, out: o.out });
  if (code === 0 && o.out !== undefined) await writeSweepOutputs(o.out, sweepOutputsOf(o.out));
  return code;
}
