/**
 * Provenance stamped on every result row: the package version and the git commit of the checkout
 * the code runs from, when it is one.
 *
 * The commit is read from the package root's .git (HEAD, then the ref it names, loose or packed;
 * a .git file pointing elsewhere, as in worktrees, is followed), which gives what
 * `git rev-parse HEAD` prints without needing a git binary. Only the package's own root is looked
 * at, so an installed copy inside another repository does not pick up that repository's commit.
 * MERMAP_LAB_GIT_COMMIT, when set, overrides it (container images built from a known commit).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Provenance {
  packageVersion: string;
  gitCommit: string | null;
}

/** The nearest folder at or above this module holding a package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the sweep module');
    dir = up;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit HEAD points at in the repository whose work tree is `root`, or null. */
export function readGitCommit(root: string): string | null {
  let gitDir = join(root, '.git');
  try {
    if (statSync(gitDir).isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(readText(gitDir) ?? '');
      if (pointer === null) return null;
      gitDir = isAbsolute(pointer[1]!.trim()) ? pointer[1]!.trim() : resolve(root, pointer[1]!.trim());
    }
  } catch {
    return null;
  }
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return null;
  if (SHA.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref === undefined) return null;
  const common = readText(join(gitDir, 'commondir'))?.trim();
  const dirs = [gitDir];
  if (common !== undefined) dirs.push(resolve(gitDir, common));
  for (const dir of dirs) {
    const loose = readText(join(dir, ref))?.trim();
    if (loose !== undefined && SHA.test(loose)) return loose;
    for (const line of (readText(join(dir, 'packed-refs')) ?? '').split('\n')) {
      const [sha, name] = line.trim().split(/\s+/);
      if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
    }
  }
  return null;
}

let cached: Provenance | undefined;

export function currentProvenance(): Provenance {
  if (cached === undefined) {
    const root = packageRoot();
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
    const override = process.env.MERMAP_LAB_GIT_COMMIT?.trim();
    cached = {
      packageVersion: pkg.version ?? '0.0.0',
      gitCommit: override !== undefined && override !== '' ? override : readGitCommit(root),
    };
  }
  return cached;
}
