import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseReplayLine, Replayer, type ReplayOp, type ReplayResult } from '../../src/core/replay.js';
import type { MachineConfig } from '../../src/core/machine.js';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/replay/${name}`, import.meta.url));
}

export function readOps(name: string): ReplayOp[] {
  return readFileSync(fixture(name), 'utf8')
    .split('\n')
    .map((l) => parseReplayLine(l))
    .filter((o): o is ReplayOp => o !== null);
}

export function replay(
  name: string,
  cfg: Partial<MachineConfig> & { variant: string },
): { results: ReplayResult[]; replayer: Replayer } {
  const replayer = new Replayer({ possibleCpus: 1, tlb: 'tiny', ...cfg });
  const results = readOps(name).map((op) => replayer.apply(op));
  return { results, replayer };
}

/** [offset or reason, flushes] per get, for compact exact expectations */
export function getSummary(results: ReplayResult[]): Array<[number | string, number]> {
  return results
    .filter((r): r is Extract<ReplayResult, { offset: unknown }> => 'offset' in r)
    .map((r) => [r.ok ? (r.offset as number) : (r.reason as string), r.flushes]);
}
