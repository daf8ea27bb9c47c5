/**
 * A throw-away single-node Slurm for the tests: munged, slurmctld and slurmd from Debian's
 * packages (scripts/setup.sh --with-slurm), started as the current user in the foreground with
 * their own key, socket, ports, state and logs in a temporary folder, so neither a second run nor
 * a leftover daemon gets in the way. No systemd and no cgroups: processes are tracked through
 * /proc (proctrack/linuxproc) and tasks are not bound (task/none). `stop()` cancels what is still
 * queued, stops the three daemons and removes the folder; it is safe to call more than once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where Debian's packages put the daemons and the client commands. */
const TOOLS = {
  munged: '/usr/sbin/munged',
  slurmctld: '/usr/sbin/slurmctld',
  slurmd: '/usr/sbin/slurmd',
  sbatch: '/usr/bin/sbatch',
  squeue: '/usr/bin/squeue',
  scontrol: '/usr/bin/scontrol',
  scancel: '/usr/bin/scancel',
  sinfo: '/usr/bin/sinfo',
} as const;

export interface SlurmCluster {
  /** The environment for client commands and jobs: SLURM_CONF points at this cluster. */
  env: NodeJS.ProcessEnv;
  /** The temporary folder holding the cluster's files; results may go under it. */
  dir: string;
  node: string;
  /** Run a client command (sbatch, squeue, scontrol, ...); throws with its output on failure. */
  run(command: keyof typeof TOOLS, args: string[], cwd?: string): string;
  /** The daemons' logs, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** An unused TCP port on this host. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `ready` every 100 ms until it holds; throw `what` with `context()` after `ms`. */
export async function waitUntil(ready: () => boolean, ms: number, what: string, context: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline)
      throw new Error(`slurm: timed out after ${ms / 1000} s waiting for ${what}\n${context()}`);
    await sleep(100);
  }
}

/** This host as `slurmd -C` sees it: CPUs, sockets, cores, threads and memory. */
function hardware(): string {
  const r = spawnSync(TOOLS.slurmd, ['-C'], { encoding: 'utf8' });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('NodeName='));
  if (r.status !== 0 || line === undefined) throw new Error(`slurm: 'slurmd -C' failed: ${r.stderr ?? r.error}`);
  return line.replace(/^NodeName=\S+\s+/, '');
}

export async function startSlurm(): Promise<SlurmCluster> {
  const missing = Object.values(TOOLS).filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `slurm: ${missing.join(', ')} not installed: run 'bash scripts/setup.sh --with-slurm'` +
        ' (Debian packages slurmctld slurmd slurm-client munge)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'mermap-slurm-'));
  chmodSync(dir, 0o711); // munged wants the socket's folder searchable by everyone
  for (const sub of ['state', 'spool']) mkdirSync(join(dir, sub));
  const key = join(dir, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge.socket');
  const node = hostname().split('.')[0]!;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=mermaptest',
      `SlurmctldHost=${node}(127.0.0.1)`, // no name resolution needed
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      `SlurmUser=${userInfo().username}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      // cred_expire also sets how long a requeued job waits before it may start again (default
      // 120 s); 5 s keeps the requeue test short.
      `AuthInfo=socket=${socket},cred_expire=5`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/backfill',
      // Look at pending jobs every second (default 60 s), so a requeued task starts as soon as
      // cred_expire allows rather than at the next periodic pass.
      'SchedulerParameters=sched_interval=1,bf_interval=1',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SwitchType=switch/none',
      'MailProg=/bin/true',
      'MinJobAge=600',
      `NodeName=${node} NodeAddr=127.0.0.1 ${hardware()} State=UNKNOWN`,
      `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: { name: string; child: ChildProcess; output: string[] }[] = [];
  const start = (name: string, path: string, args: string[]) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    child.on('error', (err) => output.push(String(err)));
    daemons.push({ name, child, output });
  };
  const logs = () =>
    daemons
      .map(({ name, child, output }) => {
        const file = join(dir, `${name}.log`);
        const text = output.join('') + (existsSync(file) ? readFileSync(file, 'utf8') : '');
        const state =
          child.exitCode === null && child.signalCode === null
            ? 'running'
            : `exited ${child.exitCode ?? child.signalCode}`;
        return `--- ${name} (${state}):\n${text.split('\n').slice(-25).join('\n')}`;
      })
      .join('\n');
  const dead = () => daemons.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
  const run = (command: keyof typeof TOOLS, args: string[], cwd?: string) => {
    const r = spawnSync(TOOLS[command], args, { env, cwd, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`slurm: ${command} ${args.join(' ')} failed (${r.status ?? r.error}): ${r.stderr}${r.stdout}`);
    }
    return r.stdout;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (dead() === undefined) {
      spawnSync(TOOLS.scancel, ['--user', String(process.getuid?.() ?? 0)], { env });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && spawnSync(TOOLS.squeue, ['-h'], { env, encoding: 'utf8' }).stdout.trim() !== '') {
        await sleep(200);
      }
    }
    for (const { child } of [...daemons].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      if ((await Promise.race([exited, sleep(5_000).then(() => 'timeout')])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const fail = async (why: string): Promise<never> => {
    const context = logs();
    await stop();
    throw new Error(`slurm: ${why}\n${context}`);
  };
  /** `ready()`, after checking that no daemon has exited. */
  const alive = (ready: () => boolean) => () => {
    const gone = dead();
    if (gone !== undefined) throw new Error(`${gone.name} exited`);
    return ready();
  };

  try {
    start('munged', TOOLS.munged, [
      '--foreground',
      '--force',
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--pid-file=${join(dir, 'munged.pid')}`,
      `--log-file=${join(dir, 'munged.log')}`,
      `--seed-file=${join(dir, 'munged.seed')}`,
    ]);
    await waitUntil(
      alive(() => existsSync(socket)),
      10_000,
      'the munge socket',
      () => '',
    );
    start('slurmctld', TOOLS.slurmctld, ['-D']);
    start('slurmd', TOOLS.slurmd, ['-D', '-N', node]);
    const state = () => spawnSync(TOOLS.sinfo, ['-h', '-n', node, '-o', '%t'], { env, encoding: 'utf8' }).stdout.trim();
    await waitUntil(
      alive(() => state() === 'idle'),
      30_000,
      `node ${node} to be idle`,
      () => '',
    );
  } catch (err) {
    return fail(`the daemons did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { env, dir, node, run, logs, stop };
}
