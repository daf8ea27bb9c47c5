import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableFromIPC } from '@uwdata/flechette';
import { RUN_SET } from '../../src/analysis/columns/index.js';
import { fromArrow, fromCSV } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCommand } from '../../src/sweep/cli.js';
import { SweepInterruptedError } from '../../src/sweep/errors.js';
import { planSweep } from '../../src/sweep/plan.js';
import { runSweep, type SweepSummary } from '../../src/sweep/pool.js';
import { parseSweepSpec, loadSweepSpec } from '../../src/sweep/spec.js';
import { runPoint } from '../fixtures/sweep/fake-worker.js';
import {
  bytes,
  Capture,
  FAKE_WORKER,
  FIXTURES,
  RESULT_FILES,
  removeDir,
  SPEC_FILE,
  TEST_COMMIT,
  tempDir,
} from './helpers.js';

const root = tempDir('run');
afterAll(() => removeDir(root));
const spec = loadSweepSpec(SPEC_FILE);
const plan = planSweep(spec);
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

let one: SweepSummary;
let two: SweepSummary;
const oneDir = join(root, 'one');
const twoDir = join(root, 'two');

beforeAll(async () => {
  one = await runSweep({ spec, out: oneDir, worker: FAKE_WORKER, workers: 1 });
  two = await runSweep({ spec, out: twoDir, worker: FAKE_WORKER, workers: 2 });
});

describe('a sweep run', () => {
  it('gives byte-identical files with 1 and 2 workers', () => {
    for (const file of RESULT_FILES) expect(bytes(twoDir, file).equals(bytes(oneDir, file)), file).toBe(true);
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(two.perWorker).toHaveLength(2);
    expect(two.perWorker.map((w) => w.points).reduce((a, b) => a + b)).toBe(12);
  });

  it('sums up points and events', async () => {
    const events = (await Promise.all(plan.points.map((p) => runPoint(p.config)))).reduce((s, r) => s + r.events, 0);
    expect(one).toMatchObject({
      name: 'fake',
      specHash: plan.specHash,
      shard: null,
      totalPoints: 12,
      shardPoints: 12,
      skipped: 0,
      ran: 12,
      events,
    });
    expect(events).toBe(4 * 20_640 + 4 * 22_560 + 4 * 30_240);
    expect(one.perWorker).toEqual([
      {
        worker: 1,
        points: 12,
        events,
        busySeconds: one.perWorker[0]!.busySeconds,
        eventsPerSecond: events / one.perWorker[0]!.busySeconds,
      },
    ]);
    expect(one.eventsPerSecondPerWorker).toBe(events / one.perWorker[0]!.busySeconds);
    expect(one.eventsPerSecond).toBe(events / one.wallSeconds);
    expect(one.files).toEqual({
      sweep: join(oneDir, 'sweep.json'),
      csv: join(oneDir, 'results.csv'),
      arrow: join(oneDir, 'results.arrow'),
      journal: join(oneDir, 'results.jsonl'),
    });
  });

  it('writes one canonical row per point, with provenance, that arquero reads back from CSV and Arrow', async () => {
    const columns = [
      'point',
      'replicate',
      'config_hash',
      'seed',
      'mermap_region_pages',
      // mermap.variant is the row's own 'variant' column: no second column for it
      'package_version',
      'git_commit',
      'events',
      'mean',
      'max',
      'low_count',
      'ratio',
      'variant',
      'large',
      'note',
    ];
    const csv = fromCSV(readFileSync(join(oneDir, 'results.csv'), 'utf8'));
    const arrow = fromArrow(readFileSync(join(oneDir, 'results.arrow')));
    expect(csv.columnNames()).toEqual(columns);
    expect(arrow.columnNames()).toEqual(columns);
    expect(csv.numRows()).toBe(12);
    expect(arrow.numRows()).toBe(12);
    const csvRows = csv.objects();
    const arrowRows = arrow.objects();
    for (const p of plan.points) {
      const { row } = await runPoint(p.config);
      const expected = {
        point: p.index,
        replicate: p.replicate,
        config_hash: p.configHash,
        seed: p.seed,
        mermap_region_pages: p.grid['mermap.regionPages'],
        package_version: version,
        git_commit: TEST_COMMIT,
        // the run function's fields under their file names (lowCount is low_count)
        ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k === 'lowCount' ? 'low_count' : k, v])),
      };
      expect(arrowRows[p.index]).toEqual(expected);
      // arquero's CSV parser gets the same values back: the empty `note` as null, "NaN" as NaN.
      expect(csvRows[p.index]).toEqual(expected);
    }
    expect(arrowRows.map((r) => (r as { ratio: number }).ratio).filter(Number.isNaN)).toHaveLength(4);
  });

  it('types the Arrow columns', () => {
    const schema = tableFromIPC(readFileSync(join(oneDir, 'results.arrow'))).schema;
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, JSON.stringify(f.type)]));
    expect(types.point).toBe('{"typeId":2,"bitWidth":32,"signed":true}');
    expect(types.seed).toBe('{"typeId":2,"bitWidth":32,"signed":false}');
    expect(types.mean).toBe('{"typeId":3,"precision":2}');
    // whole numbers as Int64: a grid path whose values are all whole, and the vocabulary's int columns
    expect(types.mermap_region_pages).toBe('{"typeId":2,"bitWidth":64,"signed":true}');
    expect(types.events).toBe('{"typeId":2,"bitWidth":64,"signed":true}');
    expect(types.mermap).toBeUndefined();
    expect(types.large).toBe('{"typeId":6}');
    expect(JSON.parse(types.variant!).typeId).toBe(5);
    expect(JSON.parse(types.note!).typeId).toBe(5);
  });

  it("carries each known column's unit and description as Arrow field metadata", () => {
    const schema = tableFromIPC(readFileSync(join(oneDir, 'results.arrow'))).schema;
    const meta = (name: string) => Object.fromEntries(schema.fields.find((f) => f.name === name)!.metadata ?? []);
    expect(meta('events')).toEqual({ unit: 'events', description: RUN_SET.get('events').description });
    expect(meta('config_hash')).toEqual({ description: "hash of the point's canonical run config" });
    expect(meta('mermap_region_pages')).toEqual({ description: 'grid value of the config path mermap.regionPages' });
    expect(meta('mean')).toEqual({ description: 'a field of the run row' });
  });

  it('keeps the journal in canonical order once complete', () => {
    const lines = readFileSync(join(twoDir, 'results.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { point: number }).point)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });
});

describe('resume', () => {
  it('runs only the missing points after a cut-short journal and ends with the same bytes', async () => {
    const dir = join(root, 'cut');
    mkdirSync(dir);
    copyFileSync(join(oneDir, 'sweep.json'), join(dir, 'sweep.json'));
    const lines = readFileSync(join(oneDir, 'results.jsonl'), 'utf8').split('\n');
    // Points finish out of order; a kill -9 during a write leaves a partial last line.
    const kept = `${[lines[7], lines[2], lines[3], lines[10], lines[0]].join('\n')}\n${lines[5]!.slice(0, 60)}`;
    writeFileSync(join(dir, 'results.jsonl'), kept);
    const progress: number[] = [];
    const summary = await runSweep({
      spec,
      out: dir,
      worker: FAKE_WORKER,
      workers: 2,
      resume: true,
      onProgress: (p) => progress.push(p.done),
    });
    expect(summary).toMatchObject({ skipped: 5, ran: 7 });
    expect(progress).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    for (const file of RESULT_FILES) expect(bytes(dir, file).equals(bytes(oneDir, file)), file).toBe(true);
  });

  it('rewrites nothing new when the folder is complete', async () => {
    const dir = join(root, 'again');
    await runSweep({ spec, out: dir, worker: FAKE_WORKER, workers: 2 });
    const summary = await runSweep({ spec, out: dir, worker: FAKE_WORKER, resume: true });
    expect(summary).toMatchObject({ skipped: 12, ran: 0, workers: 0, events: 0, perWorker: [] });
    for (const file of RESULT_FILES) expect(bytes(dir, file).equals(bytes(oneDir, file)), file).toBe(true);
  });

  it('stops on an aborted signal, keeps what finished, and resumes to the same bytes', async () => {
    const dir = join(root, 'aborted');
    const controller = new AbortController();
    process.env.FAKE_SWEEP_DELAY_MS = '50';
    let error: unknown;
    try {
      await runSweep({
        spec,
        out: dir,
        worker: FAKE_WORKER,
        workers: 2,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 3) controller.abort();
        },
      });
    } catch (err) {
      error = err;
    } finally {
      delete process.env.FAKE_SWEEP_DELAY_MS;
    }
    expect(error).toBeInstanceOf(SweepInterruptedError);
    const done = readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').length - 1;
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(12);
    expect((error as Error).message).toBe(
      `interrupted: ${done} of 12 points are in ${join(dir, 'results.jsonl')}; run again with --resume to finish`,
    );
    expect((error as SweepInterruptedError).exitCode).toBe(130);
    expect(existsSync(join(dir, 'results.csv'))).toBe(false);
    const summary = await runSweep({ spec, out: dir, worker: FAKE_WORKER, workers: 1, resume: true });
    expect(summary.skipped + summary.ran).toBe(12);
    expect(summary.skipped).toBe(done);
    for (const file of RESULT_FILES) expect(bytes(dir, file).equals(bytes(oneDir, file)), file).toBe(true);
  });
});

describe('sweepCommand', () => {
  const run = async (options: Partial<Parameters<typeof sweepCommand>[0]>) => {
    const stderr = new Capture();
    const code = await sweepCommand({ worker: FAKE_WORKER, stderr, handleSignals: false, ...options });
    return { code, text: stderr.text };
  };

  it('quiet: no progress and no summary, the same files', async () => {
    const out = join(root, 'cmd-quiet');
    const { code, text } = await run({ spec: SPEC_FILE, out, workers: '1', quiet: true, progressIntervalSeconds: 0 });
    expect(code).toBe(0);
    expect(text).toBe('');
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(readFileSync(join(oneDir, 'results.csv'), 'utf8'));
  });

  it('prints progress and a summary with events per second per worker', async () => {
    const out = join(root, 'cmd');
    const { code, text } = await run({ spec: SPEC_FILE, out, workers: '2', progressIntervalSeconds: 0 });
    expect(code).toBe(0);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 13).map((l) => l.replace(/ETA \S+$/, 'ETA t'))).toEqual([
      'sweep: 0/12 points, 2 workers, ETA t',
      ...Array.from({ length: 12 }, (_, i) => `sweep: ${i + 1}/12 points, 2 workers, ETA t`),
    ]);
    expect(lines[12]).toBe('sweep: 12/12 points, 2 workers, ETA 0s');
    expect(lines[13]).toMatch(/^sweep 'fake' 12 points \(12 run now, 0 already done\) in \d+\.\ds with 2 workers$/);
    expect(lines[14]).toMatch(
      /^events: 293760 run now; [\d.]+[kM]? events\/s overall, [\d.]+[kM]? events\/s per worker$/,
    );
    expect(lines[15]).toMatch(/^ {2}worker 1: \d+ points?, \d+ events, [\d.]+[kM]? events\/s$/);
    expect(lines[16]).toMatch(/^ {2}worker 2: \d+ points?, \d+ events, [\d.]+[kM]? events\/s$/);
    expect(lines[17]).toBe(`results: ${join(out, 'results.csv')}, ${join(out, 'results.arrow')}`);
    expect(lines).toHaveLength(18);
    for (const file of RESULT_FILES) expect(bytes(out, file).equals(bytes(oneDir, file)), file).toBe(true);
  });

  it('prints a sweep name holding terminal escapes as \\xHH, in the summary and in errors', async () => {
    const file = join(root, 'escapes.json');
    writeFileSync(file, JSON.stringify({ ...spec, name: 'x\x1b]0;owned\x07\x1b[2J' }));
    const out = join(root, 'escapes');
    const first = await run({ spec: file, out, workers: '1' });
    expect(first.code).toBe(0);
    expect(first.text).toContain("sweep 'x\\x1b]0;owned\\x07\\x1b[2J' 12 points");
    const other = await run({ spec: SPEC_FILE, out });
    expect(other.code).toBe(2);
    expect(other.text).toContain("holds the results of another sweep ('x\\x1b]0;owned\\x07\\x1b[2J', spec hash");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw escapes
    for (const text of [first.text, other.text]) expect(text).not.toMatch(/[\x07\x1b]/);
  });

  it('runs the smoke preset', async () => {
    const out = join(root, 'smoke');
    const { code } = await run({ preset: 'smoke', out });
    expect(code).toBe(0);
    expect(fromCSV(readFileSync(join(out, 'results.csv'), 'utf8')).numRows()).toBe(4);
  });

  it.each([
    ['no spec', { out: 'x' }, 'mermap-lab: sweep: give a spec file or --preset NAME'],
    [
      'a spec and a preset',
      { spec: SPEC_FILE, preset: 'smoke', out: 'x' },
      'mermap-lab: sweep: give a spec file or --preset NAME, not both',
    ],
    ['no --out', { spec: SPEC_FILE }, 'mermap-lab: sweep: --out DIR is required'],
    [
      'zero workers',
      { spec: SPEC_FILE, out: 'x', workers: '0' },
      "mermap-lab: sweep: --workers: must be a whole number of workers in 1..1024, got '0'",
    ],
    [
      'a non-number of workers',
      { spec: SPEC_FILE, out: 'x', workers: '2x' },
      "mermap-lab: sweep: --workers: must be a whole number of workers in 1..1024, got '2x'",
    ],
    [
      'more workers than a sweep may start',
      { spec: SPEC_FILE, out: 'x', workers: '1025' },
      "mermap-lab: sweep: --workers: must be a whole number of workers in 1..1024, got '1025'",
    ],
    [
      'a bad shard',
      { spec: SPEC_FILE, out: 'x', shard: '3/3' },
      "mermap-lab: sweep: --shard: expected i/N with 0 <= i < N (0-based, e.g. 0/3), got '3/3'",
    ],
    [
      'an unknown preset',
      { preset: 'nope', out: 'x' },
      "mermap-lab: sweep: --preset: unknown preset 'nope' (known: default, smoke)",
    ],
  ])('exits 2 on %s', async (_what, options, message) => {
    const { code, text } = await run(options);
    expect(code).toBe(2);
    expect(text).toBe(`${message}\n`);
  });

  it('exits 2 on a bad spec file, naming the file and the fields', async () => {
    const file = join(root, 'bad.yaml');
    writeFileSync(file, 'name: bad\nseed: -1\nbase: {}\ngrid:\n  mermap.regionPages: []\n  mermap.slots: [2, 2]\n');
    const out = join(root, 'bad-out');
    const { code, text } = await run({ spec: file, out });
    expect(code).toBe(2);
    expect(text).toBe(
      `mermap-lab: sweep: ${file}: invalid sweep spec\n` +
        '  - seed: must be an integer >= 0\n' +
        '  - grid.mermap.regionPages: must be a non-empty list\n',
    );
    writeFileSync(file, 'name: bad\nseed: 1\nbase: {}\ngrid:\n  mermap.slots: [2, 2]\n');
    expect((await run({ spec: file, out })).text).toBe(
      `mermap-lab: sweep: ${file}: invalid sweep spec\n  - grid.mermap.slots: duplicate value 2\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 when validatePoint rejects points', async () => {
    const out = join(root, 'invalid-out');
    const validatePoint = (c: Record<string, unknown>) =>
      (c.mermap as { regionPages: number }).regionPages > 512 ? ['mermap.regionPages: at most 512'] : [];
    const { code, text } = await run({ spec: SPEC_FILE, out, validatePoint });
    expect(code).toBe(2);
    expect(text).toBe(
      `mermap-lab: sweep: ${SPEC_FILE}: invalid sweep spec\n` +
        [8, 9, 10, 11]
          .map(
            (i) =>
              `  - point ${i} (mermap.regionPages=1024, mermap.variant=${i < 10 ? 'rfc-v1' : 'rfc-later'}, replicate ${i % 2}): mermap.regionPages: at most 512\n`,
          )
          .join(''),
    );
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 on a folder holding another sweep's results, overwriting nothing", async () => {
    const before = RESULT_FILES.map((f) => bytes(oneDir, f));
    const other = join(root, 'other.yaml');
    writeFileSync(other, readFileSync(SPEC_FILE, 'utf8').replace('seed: 42', 'seed: 43'));
    for (const resume of [false, true]) {
      const { code, text } = await run({ spec: other, out: oneDir, resume });
      expect(code).toBe(2);
      expect(text).toBe(
        `mermap-lab: sweep: ${oneDir} holds the results of another sweep ('fake', spec hash ${plan.specHash.slice(0, 12)}); choose another --out\n`,
      );
    }
    const { code, text } = await run({ spec: SPEC_FILE, out: oneDir });
    expect(code).toBe(2);
    expect(text).toBe(
      `mermap-lab: sweep: ${oneDir} already holds results of this sweep; pass --resume to finish it, or choose another --out\n`,
    );
    RESULT_FILES.forEach((f, i) => expect(bytes(oneDir, f).equals(before[i]!), f).toBe(true));
  });

  it('exits 2 on an unwritable folder', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const { code, text } = await run({ spec: SPEC_FILE, out: join(file, 'out') });
    expect(code).toBe(2);
    expect(text).toBe(
      `mermap-lab: sweep: cannot write to ${join(file, 'out')} (ENOTDIR: a part of the path is not a folder)\n`,
    );
  });

  it('exits 1 when a point fails, keeping the points finished before it', async () => {
    const file = join(root, 'failing.yaml');
    writeFileSync(
      file,
      readFileSync(SPEC_FILE, 'utf8').replace('work: 20000', 'work: 20000\n  failOnRegionPages: 256'),
    );
    const out = join(root, 'failing');
    const { code, text } = await run({ spec: file, out, workers: 1 });
    expect(code).toBe(1);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'mermap-lab: sweep: point 4 (mermap.regionPages=256, mermap.variant=rfc-v1, replicate 0) failed: fake failure at regionPages 256',
    );
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n')).toHaveLength(5);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
  });

  it('exits 1 when the row uses a reserved column name or the export is missing', async () => {
    const spec2 = join(root, 'echo.json');
    writeFileSync(spec2, JSON.stringify(parseSweepSpec({ ...spec, base: { ...spec.base, echoSeed: true } })));
    const echo = await run({ spec: spec2, out: join(root, 'echo'), workers: 1 });
    expect(echo.code).toBe(1);
    expect(echo.text.trimEnd().split('\n').at(-1)).toBe(
      `mermap-lab: sweep: point 0 (mermap.regionPages=64, mermap.variant=rfc-v1, replicate 0) failed: its row has the field 'seed', which is a provenance or grid column; rename it in the run function`,
    );
    const spec3 = join(root, 'twin.json');
    writeFileSync(spec3, JSON.stringify(parseSweepSpec({ ...spec, base: { ...spec.base, twinField: true } })));
    const twin = await run({ spec: spec3, out: join(root, 'twin'), workers: 1 });
    expect(twin.code).toBe(1);
    expect(twin.text.trimEnd().split('\n').at(-1)).toBe(
      `mermap-lab: sweep: point 0 (mermap.regionPages=64, mermap.variant=rfc-v1, replicate 0) failed: its row has the fields 'lowCount' and 'low_count', both 'low_count' in the results files; rename one in the run function`,
    );
    const missing = await run({
      spec: SPEC_FILE,
      out: join(root, 'noexport'),
      workers: 1,
      worker: { module: FAKE_WORKER.module, export: 'nope' },
    });
    expect(missing.code).toBe(1);
    expect(missing.text.trimEnd().split('\n').at(-1)).toBe(
      `mermap-lab: sweep: point 0 (mermap.regionPages=64, mermap.variant=rfc-v1, replicate 0) failed: ` +
        `${pathToFileURL(join(FIXTURES, 'fake-worker.ts')).href} has no exported function 'nope'`,
    );
    const absent = await run({
      spec: SPEC_FILE,
      out: join(root, 'absent'),
      worker: { module: join(FIXTURES, 'absent.js'), export: 'x' },
    });
    expect(absent).toEqual({
      code: 2,
      text: `mermap-lab: sweep: worker module not found: ${join(FIXTURES, 'absent.js')}\n`,
    });
    expect(existsSync(join(root, 'absent'))).toBe(false);
  });
});
