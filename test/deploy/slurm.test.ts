/**
 * deploy/slurm on a real single-node Slurm (slurm-cluster.ts): the smoke sweep submitted with
 * deploy/slurm/submit.sh as an array of 3 plus the merge job merges into the bytes one unsharded
 * run writes; a task whose process is killed and one requeued from outside, both in the middle of
 * their shards, are rerun by Slurm, resume, and the merge is unchanged.
 * The first test also measures what a task costs beyond its points (docs/scale-out.md quotes it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, RESULT_FILES, REPO } from '../sweep/helpers.js';
import { type SlurmCluster, startSlurm, waitUntil } from './slurm-cluster.js';

const CLI = join(REPO, 'bin', 'mermap-lab.js');
const SUBMIT = join(REPO, 'deploy', 'slurm', 'submit.sh');
/** Small tasks on the 2-CPU node: both fit at once; `--mem` below the node's memory. */
const TASK_OPTIONS = ['--cpus-per-task=1', '--mem=256M'];

let cluster: SlurmCluster;
beforeAll(async () => {
  cluster = await startSlurm();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** Run the CLI directly; returns its wall time and the sweep's own (the summary's "in X s"). */
function direct(args: string[]): { wallSeconds: number; sweepSeconds: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  const wallSeconds = (performance.now() - started) / 1000;
  expect(r.status, r.stderr).toBe(0);
  return { wallSeconds, sweepSeconds: sweepSeconds(r.stderr) };
}

function sweepSeconds(log: string): number {
  const m = / in (\d+(?:\.\d+)?)s with \d+ workers?\n/.exec(log);
  if (m === null) throw new Error(`no sweep summary in:\n${log}`);
  return Number(m[1]);
}

function submit(env: { SPEC: string; SHARDS: string; RESULTS: string }): { array: string; merge: string } {
  const r = spawnSync('bash', [SUBMIT, ...TASK_OPTIONS], {
    cwd: REPO,
    env: { ...cluster.env, ...env },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const m = /^sweep array (\d+), merge (\d+)$/m.exec(r.stdout);
  if (m === null) throw new Error(`submit.sh printed no job ids: ${r.stdout}${r.stderr}`);
  return { array: m[1]!, merge: m[2]! };
}

/** `scontrol show job` as one record per job (or array task). */
function jobs(id: string): Record<string, string>[] {
  return cluster
    .run('scontrol', ['-o', 'show', 'job', id])
    .trim()
    .split('\n')
    .map((line) => Object.fromEntries(line.split(/\s+/).map((field) => field.split(/=(.*)/s, 2) as [string, string])));
}

/** Wait until `merge` has run; fail early, with the logs, if its dependency can no longer be met. */
async function waitForMerge(merge: string, results: string): Promise<void> {
  const context = () => {
    const logs = join(results, 'logs');
    const files = existsSync(logs) ? spawnSync('sh', ['-c', `tail -n 20 ${logs}/*`], { encoding: 'utf8' }).stdout : '';
    return `${cluster.run('squeue', ['-a'])}\n${files}\n${cluster.logs()}`;
  };
  await waitUntil(
    () => {
      const [job] = jobs(merge);
      if (job?.Reason === 'DependencyNeverSatisfied') throw new Error(`a sweep task failed:\n${context()}`);
      return job?.JobState === 'COMPLETED' || job?.JobState === 'FAILED';
    },
    120_000,
    `merge job ${merge}`,
    context,
  );
  expect(jobs(merge)[0]!.JobState, context()).toBe('COMPLETED');
}

function expectSameResults(dir: string, reference: string): void {
  for (const file of RESULT_FILES) expect(bytes(dir, file).equals(bytes(reference, file)), file).toBe(true);
}

/** The processes whose command line has `arg` as one of its arguments. */
function processesWithArgument(arg: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(arg);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
const taskStates = (array: string) =>
  Object.fromEntries(jobs(array).map((t) => [t.ArrayTaskId, `${t.JobState} ${t.ExitCode} restarts=${t.Restarts}`]));

describe('deploy/slurm on a single-node Slurm', () => {
  it('runs the smoke sweep as an array of 3 and merges it into the bytes of one unsharded run', async () => {
    const results = join(cluster.dir, 'smoke');
    const reference = join(cluster.dir, 'smoke-reference');
    const unsharded = direct(['sweep', '--preset', 'smoke', '--out', reference, '--workers', '1']);

    const submitted = Date.now();
    const { array, merge } = submit({ SPEC: 'smoke', SHARDS: '3', RESULTS: results });
    await waitForMerge(merge, results);

    expect(taskStates(array)).toEqual({
      '0': 'COMPLETED 0:0 restarts=0',
      '1': 'COMPLETED 0:0 restarts=0',
      '2': 'COMPLETED 0:0 restarts=0',
    });
    // Shard i holds the points whose index is i modulo 3: 0 and 3, then 1, then 2.
    expect([0, 1, 2].map((i) => lines(join(results, `shard-${i}`, 'results.jsonl')))).toEqual([2, 1, 1]);
    expectSameResults(join(results, 'merged'), reference);
    // The merge job's report is the one the unsharded sweep wrote next to its results.
    // the same page but for its footer's provenance (the command and date that made it)
    const page = (text: string) => text.replace(/<dl class="provenance">.*?<\/dl>/, '');
    expect(page(readFileSync(join(results, 'report', 'report.html'), 'utf8'))).toBe(
      page(bytes(reference, 'report.html').toString('utf8')),
    );

    // What a task costs beyond its points: Slurm starting it (submission to the script's first
    // line; tasks that had a free CPU) and the CLI around the points (node, module loading, worker
    // start, writing the files: the script's first line to results.csv, less the sweep's own time).
    const tasks = [0, 1, 2].map((i) => {
      const log = readFileSync(join(results, 'logs', `sweep-${array}_${i}.out`), 'utf8');
      const start = Date.parse(/ start (\S+Z)$/m.exec(log)![1]!);
      const end = statSync(join(results, `shard-${i}`, 'results.csv')).mtimeMs;
      return { launch: (start - submitted) / 1000, cli: (end - start) / 1000 - sweepSeconds(log) };
    });
    const launch = Math.min(...tasks.map((t) => t.launch));
    const cli = tasks.reduce((sum, t) => sum + t.cli, 0) / tasks.length;
    const perPoint = unsharded.sweepSeconds / 4;
    console.log(
      `slurm overhead: launch ${launch.toFixed(2)} s (first task), CLI ${cli.toFixed(2)} s per task (mean of 3),` +
        ` (unsharded, charts and report included: ${(unsharded.wallSeconds - unsharded.sweepSeconds).toFixed(2)} s);` +
        ` smoke point ${perPoint.toFixed(3)} s (20,000 events, 1 worker)`,
    );
    expect(launch).toBeGreaterThan(0);
    expect(cli).toBeGreaterThan(0);
  });

  it('reruns a task killed inside and one requeued from outside; both resume, the merge is unchanged', async () => {
    const spec = join(REPO, 'test', 'fixtures', 'deploy', 'requeue.yaml');
    const results = join(cluster.dir, 'requeue');
    const reference = join(cluster.dir, 'requeue-reference');
    direct(['sweep', spec, '--out', reference, '--workers', '2']);

    const { array, merge } = submit({ SPEC: spec, SHARDS: '2', RESULTS: results });
    const journal = (i: number) => join(results, `shard-${i}`, 'results.jsonl');
    await waitUntil(
      () => lines(journal(0)) >= 2 && lines(journal(1)) >= 2,
      60_000,
      'two points of each shard',
      cluster.logs,
    );
    // Shard 0: its process killed as the OOM killer would (SIGKILL, no clean stop); the job
    // script requeues the task. Shard 1: what a node failure or a preemption does to a --requeue
    // job, stopped (SIGTERM) and queued again by Slurm.
    const [pid, ...others] = processesWithArgument(join(results, 'shard-0'));
    expect(others).toEqual([]);
    process.kill(pid!, 'SIGKILL');
    const requeued = Date.now();
    cluster.run('scontrol', ['requeue', `${array}_1`]);
    await waitUntil(
      () => !existsSync(`/proc/${pid}`),
      10_000,
      `process ${pid} to end`,
      () => '',
    );
    const killedAt = lines(journal(0));
    await waitForMerge(merge, results);

    expect(taskStates(array)).toEqual({ '0': 'COMPLETED 0:0 restarts=1', '1': 'COMPLETED 0:0 restarts=1' });
    const logs = [0, 1].map((i) => readFileSync(join(results, 'logs', `sweep-${array}_${i}.out`), 'utf8'));
    expect(logs[0]).toContain('mermap-sweep: shard 0/2 killed (status 137); requeueing it\n');
    const stopped = Number(/interrupted: (\d+) of 6 points are in /.exec(logs[1]!)?.[1]);
    for (const [i, done] of [killedAt, stopped].entries()) {
      expect(done, `shard ${i}`).toBeGreaterThanOrEqual(2);
      expect(done, `shard ${i}`).toBeLessThan(6);
      expect(logs[i]).toMatch(new RegExp(`^mermap-sweep: shard ${i}/2 attempt 1 `, 'm'));
      const resumed = new RegExp(`shard ${i}/2: 6 of 12 points \\((\\d+) run now, (\\d+) already done\\)`).exec(
        logs[i]!,
      );
      expect(resumed?.slice(1).map(Number), `shard ${i}`).toEqual([6 - done, done]);
    }
    const again = /^mermap-sweep: shard 1\/2 attempt 2 .* start (\S+Z)$/m.exec(logs[1]!);
    console.log(
      `slurm requeue: attempt 2 started ${((Date.parse(again![1]!) - requeued) / 1000).toFixed(1)} s after the requeue`,
    );
    expectSameResults(join(results, 'merged'), reference);
  });
});
