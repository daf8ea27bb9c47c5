import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/pool.js';
import { loadSweepSpec } from '../../src/sweep/spec.js';
import { cli } from '../helpers/cli.js';
import { FAKE_WORKER, removeDir, SPEC_FILE, tempDir } from '../sweep/helpers.js';

const root = tempDir('report-cli');
afterAll(() => removeDir(root));
const sweep = join(root, 'sweep');
let n = 0;

beforeAll(async () => {
  await runSweep({ spec: loadSweepSpec(SPEC_FILE), out: sweep, worker: FAKE_WORKER, workers: 1 });
});

/** A copy of the finished sweep folder with one file replaced or cut. */
function damaged(name: string, change: (path: string) => void): string {
  const dir = join(root, `bad${n++}`);
  mkdirSync(dir);
  for (const f of readdirSync(sweep)) writeFileSync(join(dir, f), readFileSync(join(sweep, f)));
  change(join(dir, name));
  return dir;
}

/** `report DIR`: exit 2, exactly one line on stderr, no report folder left behind. */
function refused(dir: string): string {
  const out = join(root, `out${n++}`);
  const r = cli(['report', dir, '--out', out]);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')).toHaveLength(2);
  expect(() => readdirSync(out)).toThrow(/ENOENT/);
  return r.stderr;
}

describe('mermap-lab report on damaged folders: exit 2, one line, nothing written', () => {
  it('a results.arrow cut short, garbage, or of another size than sweep.json says', () => {
    const cut = damaged('results.arrow', (p) => truncateSync(p, 200));
    expect(refused(cut)).toMatch(
      new RegExp(`^mermap-lab: ${join(cut, 'results.arrow')}: not a results table \\(damaged or cut short: .+\\)\\n$`),
    );
    const garbage = damaged('results.arrow', (p) => writeFileSync(p, Buffer.alloc(4096, 0x41)));
    expect(refused(garbage)).toMatch(new RegExp(`^mermap-lab: ${join(garbage, 'results.arrow')}: not a results table`));
    const partial = damaged('sweep.json', (p) => {
      const record = JSON.parse(readFileSync(p, 'utf8'));
      record.points.total = 13;
      writeFileSync(p, JSON.stringify(record));
    });
    expect(refused(partial)).toBe(
      `mermap-lab: ${join(partial, 'results.arrow')}: not the results of ${join(partial, 'sweep.json')}:` +
        ` 12 rows for 13 points; run the sweep again with --resume to rewrite it\n`,
    );
  });

  it('a sweep.json that is not JSON, and a run.json that is not a run', () => {
    const notJson = damaged('sweep.json', (p) => writeFileSync(p, '{"format": "mermap-lab-sweep/1", '));
    expect(refused(notJson)).toBe(`mermap-lab: ${join(notJson, 'sweep.json')} is not a sweep record (not JSON)\n`);
    const run = join(root, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'run.json'), '{}');
    expect(refused(run)).toBe(
      `mermap-lab: ${join(run, 'run.json')}: not a run written by mermap-lab run --out: field report must be an object with a config\n`,
    );
    writeFileSync(join(run, 'run.json'), '[1]');
    expect(refused(run)).toBe(
      `mermap-lab: ${join(run, 'run.json')}: not a run written by mermap-lab run --out: not a JSON object\n`,
    );
  });
});

describe('mermap-lab report DIR', () => {
  it('writes into DIR itself without -o, with a footer naming version, commit, date, command and spec hash', () => {
    const dir = damaged('sweep.json', () => {});
    const r = cli(['report', dir, '--scale', '2'], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const record = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { specHash: string };
    const footer = /<dl class="provenance">(.*?)<\/dl>/.exec(html)?.[1] ?? '';
    const lines = [...footer.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map((m) => [m[1], m[2]]);
    expect(lines.map((l) => l[0])).toEqual(['mermap-lab', 'git commit', 'date', 'command', 'sweep spec hash']);
    expect(lines[2]![1]).toBe('2023-11-14T22:13:20.000Z');
    expect(lines[3]![1]).toBe(`mermap-lab report ${dir} --scale 2`);
    expect(lines[4]![1]).toBe(record.specHash);
  });

  it('refuses a bad --scale with the allowed range', () => {
    const r = cli(['report', sweep, '--scale', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--scale must be a number in \(0, 16\], got "0"/);
  });
});

describe('mermap-lab report DIR --out OUT', () => {
  /** every file of a folder with its bytes, to show a refusal left it as it was */
  const contents = (dir: string): Record<string, string> =>
    Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'base64')]));

  it("refuses another sweep's or run's folder, one line, exit 2, the folder as it was", () => {
    const other = damaged('sweep.json', () => {});
    const before = contents(other);
    let r = cli(['report', sweep, '--out', other]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `mermap-lab: ${other}: holds a sweep's results (sweep.json), which a report of ${sweep} there would not` +
        ' describe; choose another --out, or leave it out to write the report into the folder it reports\n',
    );
    expect(contents(other)).toEqual(before);
    const run = join(root, `run${n++}`);
    mkdirSync(run);
    writeFileSync(join(run, 'run.json'), '{"report": {}}');
    r = cli(['report', sweep, '--out', run]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^mermap-lab: ${run}: holds a run's results \\(run\\.json\\), which a report`));
    expect(readdirSync(run)).toEqual(['run.json']);
  });

  it('writes into DIR named another way, and into a folder of no results', () => {
    const dir = damaged('sweep.json', () => {});
    let r = cli(['report', dir, '--out', `${dir}/./`]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(dir)).toContain('report.html');
    const empty = join(root, `empty${n++}`);
    mkdirSync(empty);
    r = cli(['report', dir, '--out', empty]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(empty)).toContain('report.html');
  });
});
