/**
 * npm run bench:compare -- REF: this tree against commit REF on this machine, however busy. One
 * build's figures move by a third from minute to minute on a shared machine, but two builds timed
 * in the same minute move together: so this builds REF in a worktree of its own (git worktree,
 * npm ci, tsc: a minute or two), then, pair after pair, times both builds in turn (the first
 * alternating) and reports each figure's ratio, this tree over REF, with its 95 % interval
 * (compare-report.ts). Against QUIET_REFERENCE (bench/targets.ts), the last build timed on a
 * quiet machine, it also estimates this tree's figures there, against issue 19's targets.
 *
 *   npm run bench:compare -- REF [--pairs N] [--ref-dir DIR] [--keep]
 *
 * Each build runs its own code: its bench/child.js for the core loops (a process of their own,
 * as `npm run bench` runs them) and its bench/sweep.js for the sweep of real runs on 1 and 2
 * workers and the default sweep's shard (compare-child.ts, a process with that build's V8
 * flags). REF needs both, as the project has them since the bench gained replicates (a53fcf3
 * has them); one without them is refused with what is missing. A pair takes about a minute on
 * a quiet machine, two or three on a busy one. Needs the git history and the npm registry,
 * unless --ref-dir names a checkout of REF built with `npx tsc -p tsconfig.bench.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/util/input-error.js';
import { type CompareOptions, compareReport, type PairFigures, parseCompareArgs } from './compare-report.js';
import type { CoreBenchRow } from './core.js';
import { coreInChild, FULL_CORE } from './replicate.js';
import { buildWorktree, removeWorktree, repoWith, runTool, StepFailed } from './worktree.js';

const TOOL = 'bench:compare';
/** this tree's compiled bench and library (.build/), and the sweeps' child beside this file */
const THIS_BUILD = fileURLToPath(new URL('..', import.meta.url));
const SWEEPS_CHILD = fileURLToPath(new URL('./compare-child.js', import.meta.url));

const say = (s: string) => process.stderr.write(`${TOOL}: ${s}\n`);

/** The files of a build (its .build/ folder) that the comparison runs. */
function buildFiles(build: string): { child: string; sweep: string; v8: string } {
  return {
    child: join(build, 'bench/child.js'),
    sweep: join(build, 'bench/sweep.js'),
    v8: join(build, 'src/util/v8-inlining.js'),
  };
}

/** The built .build/ of REF: --ref-dir's, or a worktree's made now (`made`: remove it after). */
function refBuild(opts: CompareOptions): { build: string; commit: string; top: string | null; made: string | null } {
  if (opts.refDir !== null) {
    const build = join(opts.refDir, '.build');
    if (!existsSync(buildFiles(build).child))
      throw new InputError(
        `${TOOL}: --ref-dir ${opts.refDir} holds no built .build/bench/child.js (npx tsc -p tsconfig.bench.json there)`,
        { field: '--ref-dir' },
      );
    let commit = opts.ref;
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: opts.refDir, encoding: 'utf8', stdio: 'pipe' }).trim();
    } catch {
      // not a git checkout: the report names REF as given
    }
    return { build, commit, top: null, made: null };
  }
  const { top, commit } = repoWith(TOOL, opts.ref, '--ref-dir');
  const made = buildWorktree(TOOL, top, commit, 'tsconfig.bench.json');
  return { build: join(made, '.build'), commit, top, made };
}

/** One build's figures, measured now: the core loops, then the two sweeps. */
function measure(build: string): PairFigures {
  const f = buildFiles(build);
  const core = coreInChild(FULL_CORE, f.child);
  const rate = (name: string) => {
    const row = core.find((r: CoreBenchRow) => r.name === name);
    if (row === undefined) throw new StepFailed(`${TOOL}: ${f.child} printed no '${name}' row`);
    return row.pairsPerSecond;
  };
  const out = execFileSync(process.execPath, [SWEEPS_CHILD, f.sweep, f.v8], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { real, dflt } = JSON.parse(out) as { real: { speedup: number }; dflt: { eventsPerSecond: number } };
  return {
    tightMachine: rate('tight / full machine'),
    windowMachine: rate('window / full machine'),
    tightAllocator: rate('tight / allocator alone'),
    windowAllocator: rate('window / allocator alone'),
    sweepSpeedup: real.speedup,
    defaultSweep: dflt.eventsPerSecond,
  };
}

function main(): void {
  const opts = parseCompareArgs(process.argv.slice(2));
  const ref = refBuild(opts);
  try {
    const missing = Object.values(buildFiles(ref.build)).filter((p) => !existsSync(p));
    if (missing.length > 0)
      throw new InputError(
        `${TOOL}: ${opts.ref} has no ${missing.map((p) => p.slice(ref.build.length + 1)).join(', ')}: compare with a commit whose bench has them (a53fcf3 or later)`,
      );
    const mine: PairFigures[] = [];
    const theirs: PairFigures[] = [];
    const short = ref.commit.slice(0, 7);
    for (let p = 0; p < opts.pairs; p++) {
      say(`pair ${p + 1} of ${opts.pairs}: ${p % 2 === 0 ? `this tree, then ${short}` : `${short}, then this tree`}`);
      if (p % 2 === 0) {
        mine.push(measure(THIS_BUILD));
        theirs.push(measure(ref.build));
      } else {
        theirs.push(measure(ref.build));
        mine.push(measure(THIS_BUILD));
      }
    }
    process.stdout.write(`${compareReport(ref.commit, mine, theirs)}\n`);
  } finally {
    if (ref.made !== null && ref.top !== null) {
      if (opts.keep) say(`kept ${ref.commit.slice(0, 7)}'s build at ${ref.made} (--ref-dir ${ref.made} next time)`);
      else removeWorktree(ref.top, ref.made);
    }
  }
}

runTool(main);
