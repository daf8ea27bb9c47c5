import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/** The sweep command with the real simulator behind every point (the engine's own tests use a fake worker). */
describe('mermap-lab sweep with real runs', () => {
  it('smoke: results, the recommendation and a report; identical bytes for 1 and 2 workers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mermap-sweep-'));
    const two = cli(['sweep', '--preset', 'smoke', '--out', join(dir, 'two'), '--workers', '2'], {
      env: { MERMAP_LAB_GIT_COMMIT: 'test' },
    });
    expect(two.status).toBe(0);
    expect(two.stdout).toContain(
      'Smallest region with fallback rate < 1.00 % and flush cost < 1.00 % of cycles (mean over replicates):',
    );
    for (const f of [
      'results.csv',
      'results.arrow',
      'report.html',
      'flush-frequency-vs-region.svg',
      'flush-frequency-vs-region.png',
      'recommended-region-size.svg',
    ]) {
      expect(existsSync(join(dir, 'two', f)), f).toBe(true);
    }
    const one = cli(['sweep', '--preset', 'smoke', '--out', join(dir, 'one'), '--workers', '1', '--no-report'], {
      env: { MERMAP_LAB_GIT_COMMIT: 'test' },
    });
    expect(one.status).toBe(0);
    expect(existsSync(join(dir, 'one', 'report.html'))).toBe(false);
    for (const f of ['results.csv', 'results.arrow'])
      expect(readFileSync(join(dir, 'one', f)).equals(readFileSync(join(dir, 'two', f)))).toBe(true);
    const csv = readFileSync(join(dir, 'two', 'results.csv'), 'utf8').split('\n');
    expect(
      csv[0].startsWith(
        // the grid paths mermap.regionPages and mermap.variant are the rows' regionPages and variant
        'point,replicate,configHash,seed,packageVersion,gitCommit,variant,regionPages,',
      ),
    ).toBe(true);
    expect(csv.filter((l) => l !== '')).toHaveLength(5);
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
    const dir = mkdtempSync(join(tmpdir(), 'mermap-shards-'));
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
    for (const f of ['results.csv', 'results.arrow'])
      expect(readFileSync(join(dir, 'merged', f)).equals(readFileSync(join(dir, 'whole', f))), f).toBe(true);
  });
});
