/**
 * Twin runs: configs that are one simulation. A machine's possible CPUs lay out the mermap's
 * page tables (mermap_mm_prepare() builds every possible CPU's region) while the traffic runs on
 * the online CPUs only. When every possible CPU beyond the online ones changes nothing but that
 * layout (the allocator says so: AllocatorInfo.possibleCpusLayoutOnly), configs that differ only
 * in their possible-CPU count, all above the same online count, run the same events through the
 * same states:
 *
 *   possible CPUs   16          64          256          online 8 (onlineCpusCap), seeds shared
 *   simulated       yes         no          no
 *   row             its own     the 16's, with the page-table columns of 64 and of 256
 *
 * The default sweep has three such counts per combination (README, "Online CPUs in the default
 * sweep"), so this spares it two runs in five of its main grid. test/run/twins.test.ts checks,
 * for every allocator that makes the claim, that a twin's row is the row its own run writes.
 */
import { allocatorInfo } from '../core/allocators.js';
import { Machine } from '../core/machine.js';
import { parseRunConfig } from '../config/parse.js';
import type { RunConfig } from '../config/types.js';
import type { RunSummary } from '../analysis/metrics/index.js';
import { pageTableSummary } from '../analysis/metrics/summarize.js';
import type { RunRow } from '../analysis/run-row.js';
import { canonicalJson } from '../config/canonical.js';
import { machineConfigOf, runRow } from './run.js';
import { checkStateSize, processesOf } from './state-size.js';

/**
 * The simulation a point config stands for, shared by its twins, or null when the config has no
 * twin: every possible CPU is online, the allocator's behaviour depends on the possible CPUs, or
 * the workload is read from a file. Configs with equal keys differ at most in
 * machine.possibleCpus (and the onlineCpusCap that resolved to the same online count).
 */
export function twinKey(input: object): string | null {
  let c: RunConfig;
  try {
    c = parseRunConfig(input, 'sweep point');
  } catch {
    return null; // the worker reports the problem when it runs the point
  }
  const m = c.machine;
  if (m.possibleCpus <= m.onlineCpus) return null;
  if (allocatorInfo(c.mermap.variant)?.possibleCpusLayoutOnly !== true) return null;
  if ('path' in c.workload) return null; // a trace or op script: not checked, run each on its own
  const { possibleCpus: _possible, onlineCpusCap: _cap, ...machine } = m;
  return canonicalJson({ ...c, machine });
}

/**
 * The rows of `twins` (configs with the twinKey() of the run that produced `summary`): that
 * run's summary with each twin's page tables, measured on a machine of the twin's layout with
 * as many prepared mms.
 */
export function twinRows(summary: RunSummary, twins: readonly object[]): RunRow[] {
  return twins.map((input) => {
    const c = parseRunConfig(input, 'sweep point');
    const mc = machineConfigOf(c);
    checkStateSize(mc, summary.pageTables.preparedMms, processesOf(c, summary.pageTables.preparedMms));
    const machine = new Machine(mc);
    for (let mm = 0; mm < summary.pageTables.preparedMms; mm++) machine.createMm(true);
    return runRow(c, { ...summary, pageTables: pageTableSummary(machine) });
  });
}
