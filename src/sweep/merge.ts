/**
 * mergeSweeps: join the output folders of a sweep's shards into one folder that is, byte for
 * byte, the folder an unsharded run writes (sweep.json, results.jsonl, results.csv,
 * results.arrow).
 *
 * The folders must hold the same sweep (spec hash), made by the same package version and commit,
 * and between them every point exactly once; otherwise nothing is written and the error names
 * the folders, or the missing and duplicated points. Only the journals are read, so a shard
 * whose process was killed after its last point but before writing its CSV still merges.
 */
import { resolve } from 'node:path';
import { SweepError } from './errors.js';
import { readJournal } from './journal.js';
import { planSweep, pointLabel } from './plan.js';
import type { Provenance } from './provenance.js';
import { parseShard } from './shard.js';
import { adaptiveMissing } from './adaptive.js';
import {
  makeRecord,
  openFolder,
  prepareOutDir,
  readSweepRecord,
  tableContext,
  writeResults,
  type SweepRecord,
} from './store.js';
import type { JournalEntry } from './results.js';

export interface MergeSummary {
  name: string;
  specHash: string;
  out: string;
  dirs: string[];
  points: number;
  files: { csv: string; arrow: string; journal: string };
}

/** How many points an error lists by name before just counting the rest. */
const LISTED = 10;

function listPoints(labels: string[], count: number): string {
  const shown = labels.slice(0, LISTED).join(', ');
  return count > LISTED ? `${shown} and ${count - LISTED} more` : shown;
}

const describe = (r: SweepRecord) => `'${r.name}', spec hash ${r.specHash.slice(0, 12)}`;
const version = (r: SweepRecord) => `mermap-lab ${r.packageVersion} at commit ${r.gitCommit ?? 'unknown'}`;

export function mergeSweeps(dirs: string[], out: string): MergeSummary {
  if (dirs.length === 0) throw new SweepError('merge: give the folders to merge');
  const outPath = resolve(out);
  const inputs = dirs.map((d) => resolve(d));
  if (inputs.includes(outPath)) {
    throw new SweepError(`--out ${out} is one of the folders being merged; choose another --out`);
  }
  const twice = dirs.find((d, i) => inputs.indexOf(resolve(d)) !== i);
  if (twice !== undefined) throw new SweepError(`${twice} is given twice`);

  const records = dirs.map((dir) => {
    const record = readSweepRecord(dir);
    if (record === null) throw new SweepError(`${dir} holds no sweep.json; it is not a sweep output folder`);
    return record;
  });
  const first = records[0]!;
  records.forEach((record, i) => {
    if (record.specHash !== first.specHash) {
      throw new SweepError(`${dirs[i]} holds another sweep (${describe(record)}) than ${dirs[0]} (${describe(first)})`);
    }
    if (record.packageVersion !== first.packageVersion || record.gitCommit !== first.gitCommit) {
      throw new SweepError(
        `${dirs[i]} was made by ${version(record)}, but ${dirs[0]} by ${version(first)}; ` +
          `shards must come from the same version`,
      );
    }
  });

  const plan = planSweep(first.spec, { source: `${dirs[0]}/sweep.json` });
  const owner = new Map<number, number>();
  const entries: JournalEntry[] = [];
  const byPoint = new Map<number, JournalEntry>();
  const duplicates: string[] = [];
  records.forEach((record, i) => {
    const shard = record.shard === null ? null : parseShard(record.shard);
    for (const entry of readJournal(dirs[i]!, plan, shard).entries.values()) {
      const earlier = owner.get(entry.point);
      if (earlier !== undefined) {
        duplicates.push(`point ${pointLabel(plan.point(entry.point))} is in both ${dirs[earlier]} and ${dirs[i]}`);
        continue;
      }
      owner.set(entry.point, i);
      byPoint.set(entry.point, entry);
      entries.push(entry);
    }
  });
  const missing: string[] = [];
  let missingCount = 0;
  // an adaptive sweep needs the replicates its decisions asked for, a plain one every point
  const needed =
    plan.spec.adaptive === undefined
      ? null
      : adaptiveMissing(plan, null, (i) => (owner.has(i) ? byPoint.get(i) : undefined)).missing;
  for (const i of needed ?? Array.from({ length: plan.size }, (_, k) => k)) {
    if (owner.has(i)) continue;
    if (missingCount++ < LISTED) missing.push(pointLabel(plan.point(i)));
  }
  const problems: string[] = [];
  if (missingCount > 0) {
    problems.push(
      `${missingCount} of ${needed?.length ?? plan.size} points are missing: ${listPoints(missing, missingCount)}`,
    );
  }
  if (duplicates.length > 0) {
    const shown = duplicates.slice(0, LISTED);
    if (duplicates.length > LISTED) shown.push(`and ${duplicates.length - LISTED} more points twice`);
    problems.push(...shown);
  }
  if (problems.length > 0) {
    throw new SweepError(
      `cannot merge: the folders must hold every point exactly once\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  const provenance: Provenance = { packageVersion: first.packageVersion, gitCommit: first.gitCommit };
  const folder = openFolder(out, 'mermap-lab merge');
  let failed = true;
  let files: MergeSummary['files'];
  try {
    prepareOutDir(out, makeRecord(plan, null, provenance), true);
    files = writeResults(out, entries, tableContext(plan, provenance));
    failed = false;
  } finally {
    folder.release(failed);
  }
  return { name: first.name, specHash: first.specHash, out, dirs, points: entries.length, files };
}
