/**
 * npm run bench:instructions: the simulator's cost in instructions, counted by valgrind's
 * callgrind, for comparing two builds on a machine too busy or too variable to time them.
 *
 * Why: `npm run bench` times the code, and its figures are what issue 19's targets are about.
 * But on a shared machine one build's runs differ by 30 % and more from minute to minute (the
 * native C model of the tight loop has read 165 to 466 M pairs/s on the project's 2-core
 * machines), so a change worth 2 % cannot be seen there. Callgrind counts the instructions the
 * process executes, whatever else the machine is doing, and V8's predictable mode (V8_FLAGS)
 * does its compiling and collecting in the same order every time: one build's worker figure
 * agrees from run to run and checkout to checkout to about 0.03 %, where its timings differ by
 * 30 %. The tight loop's figure is rougher: 0.5 % between runs, and 2 % between builds that
 * differ only in modules the loop never runs (what is loaded moves the heap's layout and when
 * collections fall). docs/performance.md has the figures.
 *
 * Instructions are not time (a cache miss or a mispredicted branch is one instruction), so a
 * change that saves instructions must still be timed with `npm run bench` on a quiet machine;
 * but they went the same way as time where both could be measured: V8's default inlining budget
 * against the CLI's (src/util/v8-inlining.ts) is 1,571 against 1,425 instructions a pair of the
 * tight loop (+10 %), where the timed loop ran 8 % slower (16.9-17.2 against 18.4 M pairs/s).
 *
 * The figures (two processes under callgrind at a time, one per core; about 7 minutes):
 *   tight loop      instructions per get/put pair of the full machine (bench/core.ts's loop),
 *                   steady state: the difference between runs of TIGHT_PAIRS[1] and [0] pairs,
 *                   each after the same warm-up, over the pairs between them
 *   worker points   a sweep worker's instructions for the first POINTS of the default sweep's
 *                   warm points (bench/sweep.ts), their compiling included: the difference
 *                   between a worker that runs them after its warm-up runs and one that only
 *                   warms up, in all and per event. What a worker's compiling costs is in it, as
 *                   it is in a sweep's time (the 1 -> 2 worker speed-up is bounded by it)
 *   worker warm-up  the worker that only warms up: Node's start-up, loading the point runner's
 *                   modules (those a worker thread loads, no more: the configs come planned, in
 *                   a file stage() writes) and the warm-up runs (src/run/warm-up.ts)
 *                   with their compiling. A change that moves compiling from the points into the
 *                   warm-up lowers the figure above and raises this one: compare their sum.
 *                   (Until November 2026 the child planned the points itself, and this figure
 *                   counted the planner and the YAML parser too: 3,976 M instructions against
 *                   2,734 M for the same build.)
 *
 * To compare two builds, run this in each checkout; --quick: smaller sizes (a smoke run of this
 * bench). --functions: instead of the figures, where each child's instructions go, by
 * JavaScript function (./callgrind-functions.ts): the tight loop's longer run and the worker's
 * points, each profiled once (about 4 minutes).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costByFunction, functionRows, parsePerfMap } from './callgrind-functions.js';
import type { PointsFile } from './instructions-child.js';
import { defaultWarmPoints } from './sweep.js';
import { warmUpConfigs } from '../src/run/warm-up.js';

/** The checkout this compiled file belongs to (.build/bench/instructions.js). */
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

/** A staged build: its folder, the child's path in it, and the points mode's configs file. */
interface Staged {
  root: string;
  child: string;
  pointsFile: string;
}

/**
 * A copy of the compiled build (.build/src, .build/bench, package.json; node_modules linked) in
 * a new temporary folder, whose path has the same length whatever the checkout's: the counts
 * depend on it. The modules' paths are strings on V8's heap, so a checkout at a path of another
 * length allocates other sizes and collects at other points: one build counted 0.4 % fewer
 * instructions for the worker from a path 2 characters longer (November 2026). The child runs
 * with --preserve-symlinks, so the packages' paths are the copy's too. Also writes the points
 * mode's configs file (a PointsFile) into the folder.
 */
function stage(): Staged {
  const root = mkdtempSync(join(tmpdir(), 'mermap-lab-instructions-'));
  for (const dir of ['src', 'bench'])
    cpSync(join(PROJECT, '.build', dir), join(root, '.build', dir), { recursive: true });
  copyFileSync(join(PROJECT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(PROJECT, 'node_modules'), join(root, 'node_modules'), 'dir');
  // the points mode's configs, planned here: the child imports the point runner alone, as a
  // sweep worker does (./instructions-child.ts)
  const points = defaultWarmPoints(false);
  const file: PointsFile = { warm: warmUpConfigs(points), points };
  const pointsFile = join(root, 'points.json');
  writeFileSync(pointsFile, JSON.stringify(file), { flag: 'wx' });
  return { root, child: join(root, '.build', 'bench', 'instructions-child.js'), pointsFile };
}

/**
 * V8 made repeatable: --predictable compiles and marks on the main thread, in the same order
 * every time; --predictable-gc-schedule fixes when the heap grows and shrinks, which otherwise
 * follows the wall clock (two runs of the tight loop differed by 1.4 % a pair without it, by
 * 0.004 % with it, November 2026).
 */
const V8_FLAGS = ['--predictable', '--predictable-gc-schedule'];
/**
 * The child runs under `setarch -R`: without address-space randomization. V8 keys some of its
 * compiler's tables by address, so a run at other addresses can compile differently: the tight
 * loop's instructions a pair read 1,397 to 1,447 over eleven runs of builds that differ in nothing
 * it runs, and two runs of 10^6 pairs differed by 30 M instructions; without randomization, by
 * 68,000 (November 2026).
 */
const NO_ASLR = ['setarch', '-R'];
/** Node's flags for the child besides V8's: see stage(). */
const NODE_FLAGS = ['--preserve-symlinks'];

/** The tight loop's two lengths, pairs after the warm-up (quick: a tenth). */
const TIGHT_PAIRS = [1_000_000, 3_000_000] as const;
/** The worker's points counted (quick: 1). */
const POINTS = 4;

/** Instructions callgrind counted for one child process, and what it printed. */
async function counted(
  staged: Staged,
  args: string[],
  profile: string | null = null,
): Promise<{ instructions: number; out: string }> {
  // a profile: a count per instruction address, named by V8's perf map (./callgrind-functions.ts)
  const valgrind = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${profile ?? '/dev/null'}`];
  if (profile !== null) valgrind.push('--dump-instr=yes');
  const v8 = profile === null ? V8_FLAGS : [...V8_FLAGS, '--perf-basic-prof'];
  const node = [process.execPath, ...NODE_FLAGS, ...v8, staged.child, ...args];
  const [cmd, ...cmdArgs] = [...NO_ASLR, ...valgrind, ...node];
  const child = spawn(cmd!, cmdArgs, { cwd: staged.root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const m = /Collected : (\d+)/.exec(err);
  if (code !== 0 || m === null) throw new Error(`bench:instructions: ${args.join(' ')} failed (exit ${code}):\n${err}`);
  return { instructions: Number(m[1]), out };
}

/** Run the jobs two at a time (callgrind's counts do not depend on what runs beside them). */
async function inPairs<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < jobs.length; k += 2) out.push(...(await Promise.all(jobs.slice(k, k + 2).map((j) => j()))));
  return out;
}

async function main(): Promise<void> {
  for (const [tool, pkg] of [
    ['valgrind', 'valgrind'],
    ['setarch', 'util-linux'],
  ]) {
    if (spawnSync(tool!, ['--version']).status !== 0) {
      process.stderr.write(`bench:instructions: ${tool} not found (Debian package ${pkg})\n`);
      process.exitCode = 1;
      return;
    }
  }
  const quick = process.argv.includes('--quick');
  const pairs = TIGHT_PAIRS.map((p) => (quick ? p / 10 : p));
  const points = quick ? 1 : POINTS;
  const started = performance.now();
  const staged = stage();
  if (process.argv.includes('--functions')) {
    try {
      await byFunction(staged, pairs[1]!, points);
    } finally {
      rmSync(staged.root, { recursive: true, force: true });
    }
    console.log(`${footer()}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return;
  }
  let runs: Array<{ instructions: number; out: string }>;
  try {
    runs = await inPairs([
      () => counted(staged, ['tight', String(pairs[0])]),
      () => counted(staged, ['points', '0', staged.pointsFile]),
      () => counted(staged, ['tight', String(pairs[1])]),
      () => counted(staged, ['points', String(points), staged.pointsFile]),
    ]);
  } finally {
    rmSync(staged.root, { recursive: true, force: true }); // (the link, not what it points to)
  }
  const [t0, p0, t1, p1] = runs;
  const events = Number(p1!.out.trim());
  const perPair = (t1!.instructions - t0!.instructions) / (pairs[1]! - pairs[0]!);
  const worker = p1!.instructions - p0!.instructions;
  console.table([
    { figure: 'tight loop, full machine', instructions: Math.round(perPair), per: 'get/put pair' },
    { figure: `worker, ${points} default-sweep points`, instructions: worker, per: `${events} events in all` },
    { figure: `worker, ${points} default-sweep points`, instructions: Math.round(worker / events), per: 'event' },
    { figure: 'worker, start-up and warm-up', instructions: p0!.instructions, per: 'worker' },
  ]);
  console.log(`${footer()}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** How the children ran. */
function footer(): string {
  return `${NO_ASLR.join(' ')}, callgrind, node ${[...NODE_FLAGS, ...V8_FLAGS].join(' ')} ${process.version}`;
}

/** The functions each row prints (the rest are summed in the last row). */
const TOP_FUNCTIONS = 15;

/**
 * --functions: the tight loop's longer run and the worker's points, each profiled once, and the
 * functions that executed the most instructions in each (./callgrind-functions.ts).
 */
async function byFunction(staged: Staged, pairs: number, points: number): Promise<void> {
  const jobs: Array<[string, string[]]> = [
    [`tight loop, its warm-up and ${pairs} pairs`, ['tight', String(pairs)]],
    [`worker, warm-up and ${points} default-sweep points`, ['points', String(points), staged.pointsFile]],
  ];
  const profiles = jobs.map((_, k) => join(staged.root, `profile-${k}.out`));
  const settled = await Promise.allSettled(jobs.map(([, args], k) => counted(staged, args, profiles[k]!)));
  // V8 writes each child's map as /tmp/perf-PID.map, PID the process's (valgrind runs node in
  // its own, and names it in the profile); every map is removed, whatever failed
  const mapFiles = profiles.map((p) => {
    const pid = existsSync(p) ? /^pid: (\d+)$/m.exec(readFileSync(p, 'utf8'))?.[1] : undefined;
    return pid === undefined ? null : join('/tmp', `perf-${pid}.map`);
  });
  try {
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    jobs.forEach(([title], k) => {
      const mapFile = mapFiles[k];
      if (mapFile === null || mapFile === undefined)
        throw new Error(`bench:instructions: profile ${k} has no pid line`);
      const cost = costByFunction(readFileSync(profiles[k]!, 'utf8'), parsePerfMap(readFileSync(mapFile, 'utf8')));
      console.log(`${title}:`);
      console.table(functionRows(cost, `file://${staged.root}/.build/`, TOP_FUNCTIONS));
    });
  } finally {
    for (const f of mapFiles) if (f !== null) rmSync(f, { force: true });
  }
}

await main();
