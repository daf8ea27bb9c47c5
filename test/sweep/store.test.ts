import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/sweep/plan.js';
import { readGitCommit } from '../../src/sweep/provenance.js';
import { parseShard } from '../../src/sweep/shard.js';
import { parseSweepSpec } from '../../src/sweep/spec.js';
import { encodeEntry } from '../../src/sweep/journal.js';
import { makeRecord, prepareOutDir, readSweepRecord, type SweepRecord } from '../../src/sweep/store.js';
import { removeDir, tempDir } from './helpers.js';
import { entry, error, plan, provenance, record } from './journal-fixture.js';

const root = tempDir('store');
afterAll(() => removeDir(root));
let n = 0;
const fresh = () => join(root, `d${n++}`);

describe('sweep.json', () => {
  it('is written first and read back', () => {
    const dir = fresh();
    expect(prepareOutDir(dir, record, false)).toEqual({ resumed: false });
    expect(readSweepRecord(dir)).toEqual(record);
    expect(record).toMatchObject({
      format: 'mermap-lab-sweep/1',
      name: 'fake',
      shard: null,
      points: { total: 12, inShard: 12 },
      packageVersion: '1.2.3',
      gitCommit: 'abc',
      columnNames: 3,
      gridPaths: ['mermap.regionPages', 'mermap.variant'],
    });
    expect(makeRecord(plan, parseShard('1/5'), provenance).points).toEqual({ total: 12, inShard: 3 });
    expect(readSweepRecord(fresh())).toBeNull();
  });

  it('refuses damaged or foreign records', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'sweep.json'), '{"format": "other"}');
    expect(error(() => readSweepRecord(dir)).message).toBe(
      `${join(dir, 'sweep.json')} is not a sweep record (format mermap-lab-sweep/1)`,
    );
    writeFileSync(join(dir, 'sweep.json'), '{');
    expect(error(() => readSweepRecord(dir)).message).toBe(
      `${join(dir, 'sweep.json')} is not a sweep record (not JSON)`,
    );
    const tampered: SweepRecord = { ...record, spec: { ...record.spec, seed: 43 } };
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(tampered));
    expect(error(() => readSweepRecord(dir)).message).toBe(
      `${join(dir, 'sweep.json')} is damaged: its spec does not match its spec hash`,
    );
  });

  it('refuses a folder written with other column names, saying which', () => {
    const dir = fresh();
    mkdirSync(dir);
    const { columnNames: _version, ...old } = record;
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(old));
    expect(error(() => readSweepRecord(dir)).message).toBe(
      `${join(dir, 'sweep.json')} was written with column names version 1 (a grid path repeated as its own column), ` +
        'but this mermap-lab writes version 3 (one column per quantity, snake_case names in the files); its results ' +
        'cannot be resumed, merged or reported by this version: run the sweep again into a new --out, or use the ' +
        'mermap-lab that wrote it',
    );
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ ...record, columnNames: 2 }));
    expect(error(() => readSweepRecord(dir)).message).toBe(
      `${join(dir, 'sweep.json')} was written with column names version 2 (camelCase column names in the files), ` +
        'but this mermap-lab writes version 3 (one column per quantity, snake_case names in the files); its results ' +
        'cannot be resumed, merged or reported by this version: run the sweep again into a new --out, or use the ' +
        'mermap-lab that wrote it',
    );
  });
});

describe('prepareOutDir', () => {
  /** Every file of `dir` with its bytes and modification time. */
  const snapshot = (dir: string) =>
    ['sweep.json', 'results.jsonl'].map((f) => [f, readFileSync(join(dir, f), 'utf8'), statSync(join(dir, f)).mtimeMs]);

  it('refuses another sweep, another shard, or an existing sweep without --resume, overwriting nothing', () => {
    const dir = fresh();
    prepareOutDir(dir, record, false);
    writeFileSync(join(dir, 'results.jsonl'), encodeEntry(entry(0)));
    const before = snapshot(dir);

    const other = makeRecord(planSweep(parseSweepSpec({ ...record.spec, seed: 1 })), null, provenance);
    expect(error(() => prepareOutDir(dir, other, true)).message).toBe(
      `${dir} holds the results of another sweep ('fake', spec hash ${record.specHash.slice(0, 12)}); choose another --out`,
    );
    expect(error(() => prepareOutDir(dir, makeRecord(plan, parseShard('1/3'), provenance), true)).message).toBe(
      `${dir} holds the whole sweep of this sweep, not shard 1/3; choose another --out`,
    );
    expect(error(() => prepareOutDir(dir, record, false)).message).toBe(
      `${dir} already holds results of this sweep; pass --resume to finish it, or choose another --out`,
    );
    expect(error(() => prepareOutDir(dir, { ...record, gitCommit: 'def' }, true)).message).toBe(
      `${dir} was started by mermap-lab 1.2.3 at commit abc, but this is mermap-lab 1.2.3 at commit def;` +
        ` finish it with the same version, or choose another --out`,
    );
    expect(snapshot(dir)).toEqual(before);
    expect(prepareOutDir(dir, record, true)).toEqual({ resumed: true });
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses a folder with results files but no sweep.json (a run's among them), and a file", () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'results.csv'), 'x\n');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    expect(error(() => prepareOutDir(dir, record, true)).message).toBe(
      `${dir} holds results.csv but no sweep.json; choose another --out`,
    );
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toBe('x\n');
    const run = fresh();
    mkdirSync(run);
    writeFileSync(join(run, 'run.json'), '{}\n');
    expect(error(() => prepareOutDir(run, record, false)).message).toBe(
      `${run} holds run.json but no sweep.json; choose another --out`,
    );
    expect(readdirSync(run)).toEqual(['run.json']);
    const file = join(dir, 'notes.txt');
    expect(error(() => prepareOutDir(file, record, false)).message).toBe(
      `cannot write to ${file} (it is a file, not a folder)`,
    );
    expect(error(() => prepareOutDir(join(file, 'sub'), record, false)).message).toBe(
      `cannot write to ${join(file, 'sub')} (ENOTDIR: a part of the path is not a folder)`,
    );
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('starts a new sweep in a folder holding only other files, and with --resume in an empty one', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'README'), 'r');
    expect(prepareOutDir(dir, record, false)).toEqual({ resumed: false });
    expect(prepareOutDir(fresh(), record, true)).toEqual({ resumed: false });
  });

  it('removes its own stale temporary files', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, '.results.csv.123.tmp'), 'half');
    writeFileSync(join(dir, '.keep.tmp'), 'not ours');
    prepareOutDir(dir, record, false);
    expect(() => statSync(join(dir, '.results.csv.123.tmp'))).toThrow();
    expect(readFileSync(join(dir, '.keep.tmp'), 'utf8')).toBe('not ours');
  });
});

describe('readGitCommit', () => {
  const sha = 'a'.repeat(40);
  const other = 'b'.repeat(40);

  it('follows HEAD to a loose ref, a packed ref, or a detached commit', () => {
    const repo = fresh();
    mkdirSync(join(repo, '.git', 'refs', 'heads'), { recursive: true });
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect(readGitCommit(repo)).toBeNull();
    writeFileSync(join(repo, '.git', 'packed-refs'), `# pack-refs with: peeled\n${other} refs/heads/main\n`);
    expect(readGitCommit(repo)).toBe(other);
    writeFileSync(join(repo, '.git', 'refs', 'heads', 'main'), `${sha}\n`);
    expect(readGitCommit(repo)).toBe(sha);
    writeFileSync(join(repo, '.git', 'HEAD'), `${other}\n`);
    expect(readGitCommit(repo)).toBe(other);
  });

  it('follows a .git file to a worktree and its common folder', () => {
    const base = fresh();
    const common = join(base, 'main.git');
    const worktree = join(common, 'worktrees', 'w');
    mkdirSync(join(common, 'refs', 'heads'), { recursive: true });
    mkdirSync(worktree, { recursive: true });
    writeFileSync(join(common, 'refs', 'heads', 'topic'), `${sha}\n`);
    writeFileSync(join(worktree, 'HEAD'), 'ref: refs/heads/topic\n');
    writeFileSync(join(worktree, 'commondir'), '../..\n');
    const tree = join(base, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, '.git'), `gitdir: ${join('..', 'main.git', 'worktrees', 'w')}\n`);
    expect(readGitCommit(tree)).toBe(sha);
  });

  it('is null outside a repository', () => {
    const dir = fresh();
    mkdirSync(dir);
    expect(readGitCommit(dir)).toBeNull();
  });
});
