/**
 * docs/scale-out.md against the real files: every deploy/ file is described and every path and
 * command it shows exists; the Slurm array and the Kubernetes Job agree with the CLI's 0-based
 * shards. (test/deploy runs the files themselves.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseShard } from '../../src/sweep/shard.js';
import { REPO } from './helpers.js';

const text = readFileSync(join(REPO, 'docs', 'scale-out.md'), 'utf8');
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(REPO, join(REPO, dir, e.name))],
  );
}

describe('docs/scale-out.md', () => {
  it('names every file of deploy/, and every deploy/ path it names exists', () => {
    const named = new Set([...text.matchAll(/(?<![\w/])deploy\/[\w./-]*\w/g)].map((m) => m[0]));
    const shipped = filesUnder('deploy').filter((f) => !f.endsWith('.dockerignore'));
    expect([...named].filter((p) => !existsSync(join(REPO, p)))).toEqual([]);
    expect(shipped.filter((f) => !named.has(f))).toEqual([]);
  });

  it('shows commands whose files and job names are the real ones', () => {
    const applied = [...text.matchAll(/^kubectl apply -f (\S+)$/gm)].map((m) => m[1]!);
    expect(applied).toEqual(['deploy/k8s/results-pvc.yaml', 'deploy/k8s/sweep-job.yaml', 'deploy/k8s/merge-job.yaml']);
    const sweepJob = parse(read('deploy/k8s/sweep-job.yaml'));
    expect(/kubectl wait --for=condition=complete \S+ job\/(\S+)$/m.exec(text)?.[1]).toBe(sweepJob.metadata.name);
    expect(read('deploy/k8s/merge-job.yaml')).toContain(`job/${sweepJob.metadata.name}`);
    for (const m of text.matchAll(/\bsbatch\b[^`\n]* (deploy\/slurm\/\S+\.sbatch)/g))
      expect(existsSync(join(REPO, m[1]!))).toBe(true);
    expect(/^docker build -f (\S+) /m.exec(text)?.[1]).toBe('deploy/Dockerfile');
  });

  it('has Slurm scripts that bash parses, with an array of SHARDS tasks numbered from 0', () => {
    for (const f of filesUnder('deploy/slurm')) {
      const r = spawnSync('bash', ['-n', join(REPO, f)], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
    const sweep = read('deploy/slurm/sweep.sbatch');
    const [, first, last] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(sweep)!;
    const shards = Number(/^SHARDS="\$\{SHARDS:-(\d+)\}"/m.exec(sweep)![1]);
    expect([Number(first), Number(last)]).toEqual([0, shards - 1]);
    expect(sweep).toMatch(/^#SBATCH --requeue$/m);
    expect(sweep).toContain('--shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}"');
    for (let i = 0; i < shards; i++) expect(parseShard(`${i}/${shards}`).index).toBe(i);
  });
});
