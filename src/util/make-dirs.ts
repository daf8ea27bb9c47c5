import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * mkdir -p without `recursive: true`: Node 20's recursive mkdir spins forever on some file
 * systems (under /proc, for one) instead of failing. Each missing level is created on its own,
 * so a real error (ENOENT, EACCES, EROFS, ENOTDIR) comes back at once.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) makeDir(missing[i]);
}

/**
 * mkdir of one level that another process may be making at the same moment: shards of one sweep
 * started side by side (Kubernetes completion indexes, a Slurm array) each make the shared
 * parent of their own output folder. A folder that appeared since the caller looked is what it
 * wanted; anything else there (a file, a symbolic link) is still EEXIST.
 */
export function makeDir(path: string): void {
  try {
    mkdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !lstatSync(path).isDirectory()) throw e;
  }
}
