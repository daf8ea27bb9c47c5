/**
 * npm run bench:baseline: is the allocator alone still as fast as when issue 19 was filed? Its
 * target is "no regression", which the bench cannot judge from inside one tree: a frozen copy of
 * the old allocator does not time like the old build (targets.ts says why). So this builds that
 * commit in a worktree of its own (git worktree, npm ci, tsc: a minute or two the first time),
 * times the same loop (baseline-loop.ts) on both builds in turn, and prints each build's mean
 * with its 95 % interval and n, their difference (Welch) and the verdict.
 *
 *   npm run bench:baseline [-- --runs N] [--pairs N] [--baseline-dir DIR] [--keep]
 *
 * Needs the project's git history (a shallow clone lacks the commit: it says so) and the npm
 * registry for the old commit's npm ci. The worktree goes into a new temporary folder and is
 * removed at the end unless --keep (then its path is printed, for --baseline-dir next time).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/util/input-error.js';
import { V8_INLINING_FLAGS } from '../src/util/v8-inlining.js';
import { baselineReport, ISSUE_BASELINE, parseBaselineArgs } from './baseline-report.js';
import { buildWorktree, removeWorktree, repoWith, runTool } from './worktree.js';

/** baseline-loop.js beside this file, and this tree's compiled library (.build/src) */
const LOOP = fileURLToPath(new URL('./baseline-loop.js', import.meta.url));
const THIS_LIB = fileURLToPath(new URL('../src/', import.meta.url));
const TOOL = 'bench:baseline';

const say = (s: string) => process.stderr.write(`${TOOL}: ${s}\n`);

/** One timed run of the loop on the library in `lib`, in a fresh process with the CLI's V8 flags. */
function timeOnce(lib: string, pairs: number): number {
  const out = execFileSync(process.execPath, [...V8_INLINING_FLAGS, LOOP, lib, String(pairs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(out) as { pairsPerSecond: number }).pairsPerSecond;
}

function main(): void {
  const opts = parseBaselineArgs(process.argv.slice(2));
  let top: string | null = null;
  let made: string | null = null;
  let dir = opts.baselineDir;
  if (dir !== null && !existsSync(join(dir, 'dist/core/mermap/rfc-v1.js')))
    throw new InputError(
      `bench:baseline: --baseline-dir ${dir} holds no built dist/ (npm ci and npm run build there)`,
      {
        field: '--baseline-dir',
      },
    );
  try {
    if (dir === null) {
      top = repoWith(TOOL, ISSUE_BASELINE, '--baseline-dir').top;
      dir = made = buildWorktree(TOOL, top, ISSUE_BASELINE, 'tsconfig.build.json');
    }
    const baseLib = join(dir, 'dist');
    const current: number[] = [];
    const baseline: number[] = [];
    say(
      `timing ${opts.runs} runs of each build, in turn (about ${Math.ceil(2 * opts.runs * (opts.pairs / 1.5e8 + 0.3))} s)`,
    );
    for (let r = 0; r < opts.runs; r++) {
      // ABBA: neither build always runs first
      if (r % 2 === 0) {
        current.push(timeOnce(THIS_LIB, opts.pairs));
        baseline.push(timeOnce(baseLib, opts.pairs));
      } else {
        baseline.push(timeOnce(baseLib, opts.pairs));
        current.push(timeOnce(THIS_LIB, opts.pairs));
      }
    }
    process.stdout.write(`${baselineReport(current, baseline, opts.pairs)}\n`);
  } finally {
    if (made !== null && top !== null) {
      if (opts.keep) say(`kept the baseline at ${made} (--baseline-dir ${made} next time)`);
      else removeWorktree(top, made);
    }
  }
}

runTool(main);
