import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The native model of the allocator's tight loop (bench/native/tight.c), built with the C
 * compiler at hand (cc -O2) and run in the same minute as the JavaScript figures: pairs per
 * second, or null when no C compiler is present or the build fails.
 */
export function nativeTightPairsPerSecond(pairs: number): number | null {
  // from .build/bench/native.js back to the source tree
  const source = fileURLToPath(new URL('../../bench/native/tight.c', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'mermap-lab-native-'));
  try {
    const exe = join(dir, 'tight');
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', exe, source], { stdio: 'ignore' });
    const out = execFileSync(exe, [String(pairs)], { encoding: 'utf8' });
    const v = Number(out.trim());
    return Number.isFinite(v) && v > 0 ? v : null;
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
