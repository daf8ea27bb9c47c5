import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const SPEC = `
name: scenarios
seed: 3
replicates: 2
adaptive: { maxReplicates: 4, ciWidth: 0.1 }
sharedSeeds: [machine.possibleCpus]
base:
  machine: { possibleCpus: 2, onlineCpusCap: 2, tlb: golden-cove, shadowTlb: false }
  mermap: { variant: rfc-v1, regionPages: 64 }
  workload: { kind: unmapped-alloc, tlbPressure: {} }
  length: { events: 4000 }
grid:
  mermap.regionPages: [64, 512]
  machine.possibleCpus: [1, 2]
scenarios:
  fix: { machine.possibleCpus: 2 }
  set:
    rate x2: { workload.ratePerCpuHz: 40000 }
    no order >= 9: { workload.orders: [0.806, 0.06, 0.04, 0.03, 0.02, 0.015, 0.01, 0.008, 0.006, 0, 0] }
`;
const FILES = ['results.csv', 'results.arrow', 'points.csv', 'points.arrow', 'recommendation.json'];

/** Workload scenarios run by the real simulator: the same bytes for 1 and 2 workers, merged shards and a resume. */
describe('mermap-lab sweep with workload scenarios', () => {
  it('runs them deterministically and reports their regions', () => {
    const dir = scratchDir('mermap-scenarios-');
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, SPEC);
    const env = { MERMAP_LAB_GIT_COMMIT: 'test' };
    const sweep = (out: string, ...more: string[]) =>
      cli(['sweep', spec, '--out', join(dir, out), '--no-report', ...more], { env });
    const one = sweep('one', '--workers', '1');
    expect(one.status, one.stderr).toBe(0);
    expect(sweep('two', '--workers', '2').status).toBe(0);
    for (const i of [0, 1]) expect(sweep(`s${i}`, '--workers', '1', '--shard', `${i}/2`).status).toBe(0);
    expect(cli(['merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'merged')], { env }).status).toBe(0);
    // resumed from a journal cut after 5 runs (the first scenario runs are still to come)
    mkdirSync(join(dir, 'resumed'));
    copyFileSync(join(dir, 'one', 'sweep.json'), join(dir, 'resumed', 'sweep.json'));
    const journal = readFileSync(join(dir, 'one', 'results.jsonl'), 'utf8').split('\n');
    writeFileSync(join(dir, 'resumed', 'results.jsonl'), `${journal.slice(0, 5).join('\n')}\n`);
    expect(sweep('resumed', '--workers', '2', '--resume').status).toBe(0);
    for (const f of FILES) {
      for (const other of ['two', 'merged', 'resumed'])
        expect(readFileSync(join(dir, other, f)).equals(readFileSync(join(dir, 'one', f))), `${other}/${f}`).toBe(true);
    }
    // 4 main combinations and 2 per scenario, at least 2 replicates each
    const csv = readFileSync(join(dir, 'one', 'results.csv'), 'utf8')
      .trim()
      .split('\n');
    const head = csv[0]!.split(',');
    const col = head.indexOf('workload_scenario');
    expect(col).toBeGreaterThan(0);
    const count = (s: string) => csv.slice(1).filter((l) => l.split(',')[col] === s).length;
    expect(count('base')).toBeGreaterThanOrEqual(8);
    expect(count('rate x2')).toBeGreaterThanOrEqual(4);
    expect(count('no order >= 9')).toBeGreaterThanOrEqual(4);
    expect(count('base') + count('rate x2') + count('no order >= 9')).toBe(csv.length - 1);
    const rec = JSON.parse(readFileSync(join(dir, 'one', 'recommendation.json'), 'utf8'));
    expect(Object.keys(rec.workloadScenarios)).toEqual(['rate x2', 'no order >= 9']);
    // the main grid gives one row per possible-CPU count; the scenarios ran at 2
    expect(rec.rows.map((r: { cpus: number }) => r.cpus)).toEqual([1, 2]);
    expect(rec.rows[0].byWorkload).toBeNull();
    expect(Object.keys(rec.rows[1].byWorkload)).toEqual(['base', 'rate x2', 'no order >= 9']);
    expect(rec.rows[1].byWorkload.base).toBe(rec.rows[1].regionPages);
    const summary = readFileSync(join(dir, 'one', 'summary.txt'), 'utf8');
    const flat = summary.replace(/\s+/g, ' ');
    expect(flat).toContain('the allocation rate (rate x2)');
    expect(flat).toContain('the order mix (no order >= 9)');
    expect(summary).toContain('Region (pages) in each workload scenario (runs of their own):');
    expect(summary).toMatch(/workload scenarios \(at machine\.possibleCpus 2\): rate x2, no order >= 9/);
  });
});
