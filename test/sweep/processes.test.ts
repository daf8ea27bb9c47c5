/**
 * The sweep as separate processes: killed with SIGKILL and resumed, stopped with SIGINT and
 * resumed from the command line, and split into 3 shard processes then merged. Each ends with
 * files byte for byte equal to one uninterrupted single-process run.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCommand } from '../../src/sweep/cli.js';
import { planSweep, pointLabel } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/pool.js';
import { loadSweepSpec } from '../../src/sweep/spec.js';
import { lockFolder } from '../../src/util/folder-lock.js';
import {
  bytes,
  Capture,
  exitOf,
  FAKE_WORKER,
  journalLines,
  RESULT_FILES,
  removeDir,
  SPEC_FILE,
  spawnSweep,
  tempDir,
  waitFor,
} from './helpers.js';

const root = tempDir('proc');
afterAll(() => removeDir(root));
const spec = loadSweepSpec(SPEC_FILE);
const plan = planSweep(spec);
const reference = join(root, 'reference');

beforeAll(async () => {
  await runSweep({ spec, out: reference, worker: FAKE_WORKER, workers: 2 });
});

function expectSameFiles(dir: string): void {
  for (const file of RESULT_FILES) expect(bytes(dir, file).equals(bytes(reference, file)), file).toBe(true);
}

describe('a killed sweep', () => {
  it('loses nothing to kill -9, and --resume runs only the missing points', async () => {
    const out = join(root, 'killed');
    const child = spawnSweep([SPEC_FILE, '--out', out, '--workers', '2'], { FAKE_SWEEP_DELAY_MS: '150' });
    await waitFor(() => journalLines(out) >= 3, 60_000, 'three journaled points');
    child.kill('SIGKILL');
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
    const done = journalLines(out);
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(12);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
    expect(existsSync(join(out, 'results.arrow'))).toBe(false);

    const summary = await runSweep({ spec, out, worker: FAKE_WORKER, workers: 2, resume: true });
    expect(summary.skipped).toBe(done);
    expect(summary.ran).toBe(12 - done);
    expectSameFiles(out);
  });

  it('stops cleanly on SIGINT with exit status 130, and the CLI resumes it', async () => {
    const out = join(root, 'interrupted');
    const child = spawnSweep([SPEC_FILE, '--out', out, '--workers', '2'], { FAKE_SWEEP_DELAY_MS: '150' });
    await waitFor(() => journalLines(out) >= 2, 60_000, 'two journaled points');
    child.kill('SIGINT');
    expect(await exitOf(child)).toEqual({ code: 130, signal: null });
    const done = journalLines(out);
    expect(done).toBeLessThan(12);
    expect(child.output().trimEnd().split('\n').at(-1)).toBe(
      `mermap-lab: sweep: interrupted: ${done} of 12 points are in ${join(out, 'results.jsonl')}; run again with --resume to finish`,
    );

    const again = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1']);
    expect(await exitOf(again)).toEqual({ code: 2, signal: null });
    expect(again.output()).toBe(
      `mermap-lab: sweep: ${out} already holds results of this sweep; pass --resume to finish it, or choose another --out\n`,
    );

    const resumed = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1', '--resume']);
    expect(await exitOf(resumed)).toEqual({ code: 0, signal: null });
    expect(resumed.output()).toContain(`(${12 - done} run now, ${done} already done)`);
    expectSameFiles(out);
  });
});

describe('shards', () => {
  const shardDirs = [0, 1, 2].map((i) => join(root, `shard-${i}`));

  beforeAll(async () => {
    const children = shardDirs.map((dir, i) =>
      spawnSweep([SPEC_FILE, '--out', dir, '--shard', `${i}/3`, '--workers', '1']),
    );
    const exits = await Promise.all(children.map(exitOf));
    children.forEach((c, i) => expect(exits[i], c.output()).toEqual({ code: 0, signal: null }));
  });

  it('each run their own disjoint part', () => {
    shardDirs.forEach((dir, i) => {
      const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8').trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { point: number }).point)).toEqual([i, i + 3, i + 6, i + 9]);
      expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'))).toMatchObject({
        shard: `${i}/3`,
        points: { total: 12, inShard: 4 },
      });
    });
  });

  it('merge into files identical to a single-process run, byte for byte', async () => {
    const out = join(root, 'merged');
    const stderr = new Capture();
    expect(await mergeCommand({ dirs: [shardDirs[2]!, shardDirs[0]!, shardDirs[1]!], out, stderr })).toBe(0);
    expect(stderr.text).toBe(
      `merged 3 folders of sweep 'fake': 12 points\nresults: ${join(out, 'results.csv')}, ${join(out, 'results.arrow')}\n`,
    );
    expectSameFiles(out);
    // Merging again into the same folder is allowed and changes nothing.
    expect(await mergeCommand({ dirs: shardDirs, out, stderr: new Capture() })).toBe(0);
    expectSameFiles(out);
  });

  it('refuse to merge with points missing, naming them', async () => {
    const stderr = new Capture();
    const out = join(root, 'merge-missing');
    expect(await mergeCommand({ dirs: shardDirs.slice(0, 2), out, stderr })).toBe(2);
    const missing = [2, 5, 8, 11].map((i) => pointLabel(plan.points[i]!));
    expect(missing[0]).toBe('2 (mermap.regionPages=64, mermap.variant=rfc-later, replicate 0)');
    expect(stderr.text).toBe(
      'mermap-lab: merge: cannot merge: the folders must hold every point exactly once\n' +
        `  - 4 of 12 points are missing: ${missing.join(', ')}\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuse to merge points held twice, naming them', async () => {
    const copy = join(root, 'shard-0-copy');
    cpSync(shardDirs[0]!, copy, { recursive: true });
    const stderr = new Capture();
    expect(await mergeCommand({ dirs: [...shardDirs, copy], out: join(root, 'merge-twice'), stderr })).toBe(2);
    expect(stderr.text).toBe(
      'mermap-lab: merge: cannot merge: the folders must hold every point exactly once\n' +
        [0, 3, 6, 9]
          .map((i) => `  - point ${pointLabel(plan.points[i]!)} is in both ${shardDirs[0]} and ${copy}\n`)
          .join(''),
    );
  });

  it('refuse to merge another sweep, a non-sweep folder, or into one of the inputs', async () => {
    const cases: [string[], string, string][] = [
      [
        [shardDirs[0]!, reference],
        join(root, 'm1'),
        `mermap-lab: merge: cannot merge: the folders must hold every point exactly once\n` +
          [0, 3, 6, 9]
            .map((i) => `  - point ${pointLabel(plan.points[i]!)} is in both ${shardDirs[0]} and ${reference}\n`)
            .join(''),
      ],
      [
        [reference, join(root, 'reference-copy')],
        join(root, 'm6'),
        `mermap-lab: merge: cannot merge: the folders must hold every point exactly once\n` +
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            .map(
              (i) =>
                `  - point ${pointLabel(plan.points[i]!)} is in both ${reference} and ${join(root, 'reference-copy')}\n`,
            )
            .join('') +
          `  - and 2 more points twice\n`,
      ],
      [[root], join(root, 'm2'), `mermap-lab: merge: ${root} holds no sweep.json; it is not a sweep output folder\n`],
      [
        shardDirs,
        shardDirs[1]!,
        `mermap-lab: merge: --out ${shardDirs[1]} is one of the folders being merged; choose another --out\n`,
      ],
      [[shardDirs[0]!, shardDirs[0]!], join(root, 'm3'), `mermap-lab: merge: ${shardDirs[0]} is given twice\n`],
      [[], join(root, 'm4'), 'mermap-lab: merge: merge: give the folders to merge\n'],
    ];
    cpSync(reference, join(root, 'reference-copy'), { recursive: true });
    for (const [dirs, out, message] of cases) {
      const stderr = new Capture();
      expect(await mergeCommand({ dirs, out, stderr })).toBe(2);
      expect(stderr.text).toBe(message);
    }
    const foreign = join(root, 'foreign');
    await runSweep({
      spec: { ...spec, seed: 5 },
      out: foreign,
      worker: FAKE_WORKER,
      workers: 1,
      shard: { index: 1, count: 3 },
    });
    const foreignHash = planSweep({ ...spec, seed: 5 }).specHash.slice(0, 12);
    const stderr = new Capture();
    expect(await mergeCommand({ dirs: [shardDirs[0]!, foreign], out: join(root, 'm5'), stderr })).toBe(2);
    expect(stderr.text).toBe(
      `mermap-lab: merge: ${foreign} holds another sweep ('fake', spec hash ${foreignHash}) than ${shardDirs[0]} ('fake', spec hash ${plan.specHash.slice(0, 12)})\n`,
    );
  });
});

describe('a hostile output folder', () => {
  const victimText = 'precious, not the tool’s\n';
  const plantVictim = (name: string) => {
    const victim = join(root, name);
    writeFileSync(victim, victimText);
    return victim;
  };

  it('a results.jsonl link is refused on --resume, and its target is not touched', async () => {
    const out = join(root, 'linked-journal');
    cpSync(reference, out, { recursive: true });
    const victim = plantVictim('victim-journal');
    rmSync(join(out, 'results.jsonl'));
    symlinkSync(victim, join(out, 'results.jsonl'));
    const child = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1', '--resume']);
    expect(await exitOf(child)).toEqual({ code: 2, signal: null });
    expect(child.output()).toBe(
      `mermap-lab: sweep: ${join(out, 'results.jsonl')} is a symbolic link;` +
        ` mermap-lab writes only regular files it owns (remove it first)\n`,
    );
    expect(readFileSync(victim, 'utf8')).toBe(victimText);
  });

  it('links planted during a sweep, at the old temp names and at results.csv, are never written through', async () => {
    const out = join(root, 'planted');
    const child = spawnSweep([SPEC_FILE, '--out', out, '--workers', '2'], { FAKE_SWEEP_DELAY_MS: '100' });
    await waitFor(() => journalLines(out) >= 1, 60_000, 'a journaled point');
    const victim = plantVictim('victim-planted');
    for (const name of ['results.csv', 'results.arrow', 'sweep.json', 'results.jsonl']) {
      symlinkSync(victim, join(out, `.${name}.${child.pid}.tmp`)); // the names used before
    }
    symlinkSync(victim, join(out, 'results.csv'));
    expect(await exitOf(child)).toEqual({ code: 2, signal: null });
    expect(child.output().trimEnd().split('\n').at(-1)).toBe(
      `mermap-lab: sweep: ${join(out, 'results.csv')} is a symbolic link;` +
        ` mermap-lab writes only regular files it owns (remove it first)`,
    );
    expect(readFileSync(victim, 'utf8')).toBe(victimText);
    // Once the link is gone, --resume finishes with the reference bytes; the planted temps go.
    rmSync(join(out, 'results.csv'));
    const resumed = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1', '--resume']);
    expect(await exitOf(resumed), resumed.output()).toEqual({ code: 0, signal: null });
    expectSameFiles(out);
    expect(readdirSync(out).sort()).toEqual(['results.arrow', 'results.csv', 'results.jsonl', 'sweep.json']);
    expect(readFileSync(victim, 'utf8')).toBe(victimText);
  });
});

describe('the output folder lock', () => {
  it('a second sweep into a folder in use is refused, naming the holder; the first finishes intact', async () => {
    const out = join(root, 'locked');
    // Slow points (6 s in all), so the first sweep is still running when the others have started
    const first = spawnSweep([SPEC_FILE, '--out', out, '--workers', '2'], { FAKE_SWEEP_DELAY_MS: '1000' });
    await waitFor(() => existsSync(join(out, 'sweep.json')), 60_000, 'the first sweep to start');
    const second = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1', '--resume']);
    const other = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1', '--shard', '1/2']);
    const lock = JSON.parse(readFileSync(join(out, '.lock'), 'utf8')) as { started: string };
    expect(lock).toEqual({ pid: first.pid, host: hostname(), started: lock.started, command: 'mermap-lab sweep' });
    const holder = `mermap-lab sweep (pid ${first.pid} on ${hostname()}, since ${lock.started})`;
    expect(await exitOf(second)).toEqual({ code: 2, signal: null });
    expect(second.output()).toBe(
      `mermap-lab: sweep: ${out} is in use by ${holder}; wait for it or choose another --out\n`,
    );
    expect(first.exitCode).toBe(null);
    expect(await exitOf(other)).toEqual({ code: 2, signal: null });
    expect(other.output()).toContain(`is in use by ${holder}`);
    expect(await exitOf(first)).toEqual({ code: 0, signal: null });
    expectSameFiles(out);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });

  it('merge into a folder in use is refused before anything is written', async () => {
    const out = join(root, 'merge-locked');
    mkdirSync(out);
    const lock = lockFolder(out, 'mermap-lab report');
    try {
      const stderr = new Capture();
      expect(await mergeCommand({ dirs: [reference], out, stderr })).toBe(2);
      expect(stderr.text).toBe(
        `mermap-lab: merge: ${out} is in use by mermap-lab report (pid ${process.pid} on ${hostname()},` +
          ` since ${lock.info.started}); wait for it or choose another --out\n`,
      );
      expect(readdirSync(out)).toEqual(['.lock']);
    } finally {
      lock.release();
    }
  });

  it('a lock left by kill -9 is stale and taken over by --resume', async () => {
    const out = join(root, 'stale-lock');
    const child = spawnSweep([SPEC_FILE, '--out', out, '--workers', '1'], { FAKE_SWEEP_DELAY_MS: '150' });
    await waitFor(() => journalLines(out) >= 1, 60_000, 'a journaled point');
    child.kill('SIGKILL');
    await exitOf(child);
    expect(JSON.parse(readFileSync(join(out, '.lock'), 'utf8')).pid).toBe(child.pid);
    const resumed = spawnSweep([SPEC_FILE, '--out', out, '--workers', '2', '--resume']);
    expect(await exitOf(resumed), resumed.output()).toEqual({ code: 0, signal: null });
    expectSameFiles(out);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });
});
