import { existsSync, mkdirSync } from 'node:fs';
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
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]);
}
