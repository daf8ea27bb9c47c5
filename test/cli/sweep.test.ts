import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from '@uwdata/flechette';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch-dir.js';

/** The sweep command with the real simulator behind every point (the engine's own tests use a fake worker). */
describe('mermap-lab sweep with real runs', () => {
  it('smoke: results, the recommendation and a report; identical bytes for 1 and 2 workers, any V8 inlining budget', () => {
    const dir = scratchDir('mermap-sweep-');
    const two = cli(['sweep', '--preset', 'smoke', '--out', join(dir, 'two'), '--workers', '2'], {
      env: { MERMAP_LAB_GIT_COMMIT: 'test' },
    });
    expect(two.status).toBe(0);
    // the main job's table: every number as mean ± half interval (n), a verdict, the region under every preset
    const table = two.stdout.slice(two.stdout.indexOf('Smallest region'));
    expect(table.split('\n').slice(0, 5)).toEqual([
      'Smallest region with fallback rate < 1.00 % and flush cost < 1.00 % of cycles, judged on the 95 % interval of each grid point (mean ± half interval (n)):',
      'possible CPUs  variant    region (pages)  slots  fallback rate  flush cost  verdict  region by cost model (low / molnar-2015 / hansen-2014 / kernel-tlb-c / high)',
      '-------------  ---------  --------------  -----  -------------  ----------  -------  ----------------------------------------------------------------------------',
      '2              rfc-later  -               -      -              -           none     - / - / - / - / -',
      '2              rfc-v1     -               -      -              -           none     - / - / - / - / -',
    ]);
    expect(table).toContain(
      "2 CPUs, rfc-v1: none: no grid point's means are under both targets (best fallback rate 1.98 %, best flush cost 6.25 %)",
    );
    for (const f of [
      'results.csv',
      'results.arrow',
      'points.csv',
      'points.arrow',
      'recommendation.json',
      'summary.md',
      'summary.txt',
      'report.html',
      'flush-frequency-vs-region.svg',
      'flush-frequency-vs-region.png',
      'recommended-region-size.svg',
    ]) {
      expect(existsSync(join(dir, 'two', f)), f).toBe(true);
    }
    // V8's default inlining budget here, the CLI's wider one above (src/util/v8-inlining.ts): the
    // same bytes, and no complaint from V8 about the flags
    const one = cli(['sweep', '--preset', 'smoke', '--out', join(dir, 'one'), '--workers', '1', '--no-report'], {
      env: { MERMAP_LAB_GIT_COMMIT: 'test', MERMAP_LAB_V8_DEFAULTS: '1' },
    });
    expect(one.status).toBe(0);
    expect(two.stderr).not.toContain('unrecognized flag');
    expect(existsSync(join(dir, 'one', 'report.html'))).toBe(false);
    for (const f of ['results.csv', 'results.arrow', 'points.csv', 'points.arrow', 'recommendation.json'])
      expect(readFileSync(join(dir, 'one', f)).equals(readFileSync(join(dir, 'two', f))), f).toBe(true);
    const rec = JSON.parse(readFileSync(join(dir, 'two', 'recommendation.json'), 'utf8'));
    expect(rec.targets).toEqual({ maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 });
    expect(
      rec.rows.map((r: { cpus: number; variant: string; verdict: string }) => [r.cpus, r.variant, r.verdict]),
    ).toEqual([
      [2, 'rfc-later', 'none'],
      [2, 'rfc-v1', 'none'],
    ]);
    // summary DIR prints summary.txt; no line is wider than 80 columns
    const summary = cli(['summary', join(dir, 'two')]);
    expect(summary.status).toBe(0);
    expect(summary.stdout).toBe(readFileSync(join(dir, 'two', 'summary.txt'), 'utf8'));
    expect(summary.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
    expect(summary.stdout).toContain('  mermap-lab sweep --preset smoke --out ');
    const csv = readFileSync(join(dir, 'two', 'results.csv'), 'utf8').split('\n');
    expect(
      csv[0].startsWith(
        // the grid paths mermap.regionPages and mermap.variant are the rows' region_pages and variant
        'point,replicate,config_hash,seed,package_version,git_commit,variant,region_pages,',
      ),
    ).toBe(true);
    expect(csv.filter((l) => l !== '')).toHaveLength(5);
    // points.csv names the grid values as the results do, and fills them: one row per point
    const points = readFileSync(join(dir, 'two', 'points.csv'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(',').slice(0, 4).join(','));
    expect(points).toEqual([
      'combination,n,region_pages,variant',
      '0,1,64,rfc-v1',
      '1,1,64,rfc-later',
      '2,1,256,rfc-v1',
      '3,1,256,rfc-later',
    ]);
    // every column of the files other tools load: snake_case, no dots, once
    for (const f of ['results.csv', 'points.csv']) {
      const header = readFileSync(join(dir, 'two', f), 'utf8')
        .split('\n')[0]!
        .split(',');
      expect(
        header.filter((n) => !/^[a-z][a-z0-9_]*$/.test(n)),
        f,
      ).toEqual([]);
      expect(new Set(header).size, f).toBe(header.length);
    }
    for (const f of ['results.arrow', 'points.arrow']) {
      const names = tableFromIPC(readFileSync(join(dir, 'two', f))).schema.fields.map((x) => x.name);
      expect(
        names.filter((n) => !/^[a-z][a-z0-9_]*$/.test(n)),
        f,
      ).toEqual([]);
      expect(new Set(names).size, f).toBe(names.length);
    }
    expect(readFileSync(join(dir, 'two', 'points.csv'), 'utf8').split('\n')[0]).toMatch(
      /^combination,n,region_pages,variant,fast_path_failures_per_allocation_mean,/,
    );
    // a report of the finished sweep folder prints the same recommendation
    const rep = cli(['report', join(dir, 'two'), '--out', join(dir, 'rep')]);
    expect(rep.status).toBe(0);
    expect(rep.stdout).toContain(
      two.stdout.slice(
        two.stdout.indexOf('Smallest region'),
        two.stdout.indexOf('\n\n', two.stdout.indexOf('Smallest region')),
      ),
    );
  });

  it('shards run with the real simulator merge into the unsharded bytes; a shard gets no report of its own', () => {
    const dir = scratchDir('mermap-shards-');
    const env = { MERMAP_LAB_GIT_COMMIT: 'test' };
    for (const i of [0, 1]) {
      const r = cli(
        ['sweep', '--preset', 'smoke', '--shard', `${i}/2`, '--out', join(dir, `s${i}`), '--workers', '1'],
        { env },
      );
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`sweep: shard ${i}/2 done; join the shards with mermap-lab merge`);
      expect(existsSync(join(dir, `s${i}`, 'report.html'))).toBe(false);
    }
    expect(cli(['merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'merged')], { env }).status).toBe(0);
    expect(
      cli(['sweep', '--preset', 'smoke', '--out', join(dir, 'whole'), '--workers', '2', '--no-report'], { env }).status,
    ).toBe(0);
    for (const f of ['results.csv', 'results.arrow', 'points.csv', 'points.arrow', 'recommendation.json'])
      expect(readFileSync(join(dir, 'merged', f)).equals(readFileSync(join(dir, 'whole', f))), f).toBe(true);
  });
});
