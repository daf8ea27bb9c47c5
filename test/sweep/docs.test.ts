/** docs/scale-out.md: its examples parse and agree with the CLI's 0-based shard numbering. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseShard } from '../../src/sweep/shard.js';

const text = readFileSync(new URL('../../docs/scale-out.md', import.meta.url), 'utf8');
const blocks = (lang: string) =>
  [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);

describe('docs/scale-out.md', () => {
  it('has a Kubernetes Indexed Job whose completion index is the shard, and a merge Job', () => {
    // biome-ignore lint/suspicious/noExplicitAny: free-form Kubernetes YAML
    const docs = blocks('yaml').flatMap((b) => parseAllDocuments(b).map((d) => d.toJS() as Record<string, any>));
    for (const d of parseAllDocuments(blocks('yaml').join('\n---\n'))) expect(d.errors).toEqual([]);
    const jobs = docs.filter((d) => d.kind === 'Job');
    const sweep = jobs.find((j) => j.spec.completionMode === 'Indexed')!;
    const container = sweep.spec.template.spec.containers[0];
    const shards = container.env.find((e: { name: string }) => e.name === 'SHARDS').value;
    expect(Number(shards)).toBe(sweep.spec.completions);
    const command = container.args[0] as string;
    expect(command).toContain('--shard "$JOB_COMPLETION_INDEX/$SHARDS"');
    expect(command).toContain('--out "/results/default/shard-$JOB_COMPLETION_INDEX"');
    expect(command).toContain('--resume');
    // Completion indexes run 0..completions-1: every one is a valid shard.
    for (let i = 0; i < sweep.spec.completions; i++) expect(parseShard(`${i}/${shards}`).index).toBe(i);
    const merge = jobs.find((j) => j !== sweep)!;
    expect(merge.spec.template.spec.containers[0].args[0]).toBe(
      'exec npx mermap-lab merge /results/default/shard-* --out /results/default/merged',
    );
    const claims = docs.filter((d) => d.kind === 'PersistentVolumeClaim').map((d) => d.metadata.name);
    for (const job of jobs) expect(claims).toContain(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName);
  });

  it('has a Slurm array whose task id is the shard, and a merge after it', () => {
    const scripts = blocks('bash');
    const sweep = scripts.find((s) => s.includes('#SBATCH --array='))!;
    const [, first, last] = /#SBATCH --array=(\d+)-(\d+)/.exec(sweep)!;
    const shards = Number(/^SHARDS=(\d+)$/m.exec(sweep)![1]);
    expect(Number(first)).toBe(0);
    expect(Number(last)).toBe(shards - 1);
    expect(sweep).toContain('--shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}"');
    expect(sweep).toContain('--out "${OUT}/shard-${SLURM_ARRAY_TASK_ID}"');
    expect(scripts.some((s) => s.includes('mermap-lab merge "${OUT}"/shard-* --out "${OUT}/merged"'))).toBe(true);
    expect(scripts.some((s) => s.includes('sbatch --dependency=afterok:"${array}" merge.sbatch'))).toBe(true);
  });
});
