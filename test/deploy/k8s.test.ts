/**
 * deploy/k8s and deploy/Dockerfile, without a cluster: every manifest validates against the
 * Kubernetes API schema (kubernetes-models ships it, compiled, so nothing is fetched) and names no
 * field that schema lacks (k8s-fields.ts), the sweep is
 * an Indexed Job whose completion index is the shard, and the containers' commands, run here as
 * the image would run them (its entrypoint, on the smoke preset), merge into the bytes of one
 * unsharded run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bytes, RESULT_FILES, REPO, removeDir, tempDir } from '../sweep/helpers.js';
import { fieldErrors } from './k8s-fields.js';

const K8S = join(REPO, 'deploy', 'k8s');
const DOCKERFILE = readFileSync(join(REPO, 'deploy', 'Dockerfile'), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: free-form Kubernetes objects, checked by the schema
type Manifest = Record<string, any>;

/** The schema of each kind the manifests use. */
const MODELS: Record<string, (m: Manifest) => { validate(): void }> = {
  'batch/v1 Job': (m) => new Job(m as ConstructorParameters<typeof Job>[0]),
  'v1 PersistentVolumeClaim': (m) =>
    new PersistentVolumeClaim(m as ConstructorParameters<typeof PersistentVolumeClaim>[0]),
};

function validate(m: Manifest): void {
  const model = MODELS[`${m.apiVersion} ${m.kind}`];
  if (model === undefined) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  model(m).validate();
}

function load(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(K8S, file), 'utf8'));
  for (const d of docs) expect(d.errors, file).toEqual([]);
  return docs.map((d) => d.toJS() as Manifest);
}

const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml'));
const manifests = Object.fromEntries(files.map((f) => [f, load(f)]));
const [pvc] = manifests['results-pvc.yaml']!;
const [sweep] = manifests['sweep-job.yaml']!;
const [merge] = manifests['merge-job.yaml']!;

describe('deploy/k8s manifests', () => {
  it('validate against the Kubernetes API schema', () => {
    expect(files.sort()).toEqual(['merge-job.yaml', 'results-pvc.yaml', 'sweep-job.yaml']);
    for (const [file, docs] of Object.entries(manifests)) {
      expect(docs.length, file).toBe(1);
      for (const m of docs) expect(() => validate(m), file).not.toThrow();
    }
  });

  it('the validator rejects a broken Job (so the test above can fail)', () => {
    const broken = structuredClone(sweep);
    broken.spec.completions = 'eight';
    expect(() => validate(broken)).toThrow(/completions must be integer/);
    const nameless = structuredClone(merge);
    delete nameless.spec.template.spec.containers[0].name;
    expect(() => validate(nameless)).toThrow(/containers\/0 must have required property name/);
  });

  it('name no field the Kubernetes API lacks', () => {
    const misspelt = structuredClone(sweep);
    misspelt.spec.completionmode = misspelt.spec.completionMode;
    delete misspelt.spec.completionMode;
    const errors = fieldErrors({ ...manifests, misspelt: [misspelt] }, REPO);
    expect(errors).toEqual({
      'merge-job.yaml': [],
      'results-pvc.yaml': [],
      'sweep-job.yaml': [],
      misspelt: [expect.stringMatching(/'"?completionmode"?' does not exist in type 'IJobSpec'/)],
    });
  });

  it('run the sweep as an Indexed Job whose completion index is the shard, on the shared volume', () => {
    expect(sweep.spec.completionMode).toBe('Indexed');
    const [container] = sweep.spec.template.spec.containers;
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e]));
    expect(env.SHARD.valueFrom.fieldRef.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    expect(Number(env.SHARDS.value)).toBe(sweep.spec.completions);
    expect(container.args).toContain('--resume');
    // Workers follow the CPU request: Node sees the node's cores, not the limit.
    expect(container.args[container.args.indexOf('--workers') + 1]).toBe(container.resources.requests.cpu);
    for (const job of [sweep, merge]) {
      const pod = job.spec.template.spec;
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
      expect(pod.containers[0].volumeMounts[0]).toEqual({ name: pod.volumes[0].name, mountPath: '/results' });
      expect(pod.containers[0].image).toBe(container.image);
    }
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
  });
});

describe('deploy/Dockerfile', () => {
  const stages = DOCKERFILE.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('runs Node 20 on Debian 12 with the runtime dependencies only and the CLI as entrypoint', () => {
    expect(runtime).toMatch(/^node:20-bookworm-slim\n/);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev /m);
    expect(JSON.parse(/^ENTRYPOINT (.*)$/m.exec(runtime)![1]!)).toEqual(['node', '/app/bin/mermap-lab.js']);
    expect(runtime).toMatch(/^ENV MERMAP_LAB_GIT_COMMIT=\$\{GIT_COMMIT\}/m);
  });

  it('copies only files that exist in the checkout', () => {
    const sources = [...DOCKERFILE.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(existsSync(join(REPO, s)), s).toBe(true);
  });
});

describe('the containers commands, run as the image runs them', () => {
  const root = tempDir('k8s');
  afterAll(() => removeDir(root));

  /** The image's /app is the checkout; /results the shared volume; the smoke preset for speed. */
  const app = join(REPO, '/');
  const here = (arg: string) =>
    arg
      .replaceAll('/app/', app)
      .replaceAll('/results/', `${root}/`)
      .replace(/^default$/, 'smoke');

  function run(command: string[], env: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), { cwd: REPO, env: { ...process.env, ...env }, stdio: 'pipe' });
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${command.join(' ')} exited ${code}:\n${err}`)),
      );
    });
  }

  it('every completion index, then the merge Job, give the bytes of one unsharded run', async () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(DOCKERFILE)![1]!).map(here) as string[];
    const [container] = sweep.spec.template.spec.containers;
    const shards = Number(container.env.find((e: Manifest) => e.name === 'SHARDS').value);
    // Kubernetes expands $(VAR) in args from the container's env.
    const expand = (arg: string, index: number) =>
      here(arg.replaceAll('$(SHARD)', String(index)).replaceAll('$(SHARDS)', String(shards)));
    const args = (index: number) =>
      container.args
        .map((a: string) => expand(a, index))
        .map((a: string, i: number, all: string[]) => (all[i - 1] === '--workers' ? '1' : a));
    for (let i = 0; i < shards; i += 2) {
      await Promise.all([i, i + 1].filter((j) => j < shards).map((j) => run([...entrypoint, ...args(j)], {})));
    }
    const [merger] = merge.spec.template.spec.containers;
    await run([...merger.command, ...merger.args.map(here)], {});

    const reference = join(root, 'reference');
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'bin', 'mermap-lab.js'), 'sweep', '--preset', 'smoke', '--out', reference, '--workers', '1'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    for (const file of RESULT_FILES) {
      expect(bytes(join(root, 'default', 'merged'), file).equals(bytes(reference, file)), file).toBe(true);
    }
    // the same page but for its footer's provenance (the command and date that made it)
    const page = (dir: string) =>
      bytes(dir, 'report.html')
        .toString('utf8')
        .replace(/<dl class="provenance">.*?<\/dl>/, '');
    expect(page(join(root, 'default', 'report'))).toBe(page(reference));
  });
});
