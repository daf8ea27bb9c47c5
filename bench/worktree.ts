/**
 * Another commit of the project, built beside this tree for a benchmark to time against it
 * (bench/baseline.ts, bench/compare.ts): a git worktree in a new temporary folder, its own
 * dependencies from its own lock file (npm ci) and its own tsc build. Needs the project's git
 * history and the npm registry; a step that fails is told in one line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/util/input-error.js';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A step of the build that failed (no network for npm ci, say): one line, exit status 1. */
export class StepFailed extends Error {}

/** run(), a failure told in one line: the step and the first line its command printed to stderr. */
function step(tool: string, what: string, cmd: string, args: string[], cwd: string): void {
  try {
    run(cmd, args, cwd);
  } catch (e) {
    const lines = String((e as { stderr?: unknown }).stderr ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    throw new StepFailed(`${tool}: ${what} failed: ${lines[0] ?? (e as Error).message}`);
  }
}

/**
 * The repository's top folder, when it has `ref`, and ref's full commit id. `dirOption` names
 * the option that takes a built checkout instead, for the messages.
 */
export function repoWith(tool: string, ref: string, dirOption: string): { top: string; commit: string } {
  let top: string;
  try {
    top = run('git', ['rev-parse', '--show-toplevel'], fileURLToPath(new URL('.', import.meta.url))).trim();
  } catch {
    throw new InputError(`${tool}: this tree is not a git checkout; pass ${dirOption} DIR, a built checkout of ${ref}`);
  }
  try {
    const commit = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top).trim();
    return { top, commit };
  } catch {
    throw new InputError(
      `${tool}: ${ref} is not a commit in this clone's history (a shallow clone? run 'git fetch --unshallow'), or pass ${dirOption} DIR`,
      { field: dirOption },
    );
  }
}

/**
 * A worktree of `commit` in a new temporary folder, its dependencies installed (its own lock
 * file) and built with its own `tsconfig` (tsconfig.build.json: dist/; tsconfig.bench.json:
 * .build/). Returns its folder; removeWorktree() takes it away again.
 */
export function buildWorktree(tool: string, top: string, commit: string, tsconfig: string): string {
  const short = commit.slice(0, 7);
  const dir = join(mkdtempSync(join(tmpdir(), 'mermap-lab-worktree-')), short);
  const say = (s: string) => process.stderr.write(`${tool}: ${s}\n`);
  try {
    say(`checking out ${short} into ${dir}`);
    step(tool, 'git worktree add', 'git', ['worktree', 'add', '--detach', dir, commit], top);
    say(`npm ci (${short}'s own lock file)`);
    step(tool, 'npm ci', 'npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
    say(`building it (${tsconfig})`);
    step(tool, 'tsc', process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], dir);
  } catch (e) {
    removeWorktree(top, dir);
    throw e;
  }
  return dir;
}

/** Remove the worktree (if it was made) and its temporary folder. */
export function removeWorktree(top: string, dir: string): void {
  try {
    run('git', ['worktree', 'remove', '--force', dir], top);
  } catch {
    // not made, or half made: its folder goes below, and `git worktree prune` then forgets it
  }
  rmSync(join(dir, '..'), { recursive: true, force: true });
  try {
    run('git', ['worktree', 'prune'], top);
  } catch {
    // nothing left to forget
  }
}

/**
 * Run a tool's main(): bad input (an InputError) is its message and exit status 2, a step that
 * failed (StepFailed) its message and exit status 1, each one line, no stack trace.
 */
export function runTool(main: () => void): void {
  try {
    main();
  } catch (e) {
    if (e instanceof InputError || e instanceof StepFailed) {
      process.stderr.write(`${e.message}\n`);
      process.exit(e instanceof InputError ? 2 : 1);
    }
    throw e;
  }
}
