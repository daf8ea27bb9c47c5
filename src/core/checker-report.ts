import { vpnToHex } from './paging/geometry.js';
import type { Checker } from './checker.js';
import { LOCK_SITES, V_LOCK_IN_ATOMIC, VIOLATION_EXPLANATIONS, VIOLATION_KINDS } from './violations.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * The checker's findings as text, one block per kind that has any: the count, the first event
 * (op, CPU, page or pfn, its detail) and a one-line explanation. `counts` are the counts to show
 * (a run's, after its warm-up), by kind; the first events come from the checker itself.
 * lock_in_atomic is shown per call site with the events behind each. No findings: [].
 */
export function violationLines(checker: Checker, counts: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  VIOLATION_KINDS.forEach((kind, k) => {
    const count = counts[kind] ?? 0;
    if (count <= 0) return;
    const first = checker.first[k];
    let head = `${kind} ${n(count)}`;
    if (k === V_LOCK_IN_ATOMIC) {
      const sites = LOCK_SITES.map((s, i) => [s, checker.lockSiteEvents[i]] as const)
        .filter(([, e]) => e > 0)
        .map(([s, e]) => `${s} ${n(e)} events`);
      head = `${kind} ${n(count)} call site${count === 1 ? '' : 's'} (${sites.join(', ')})`;
    }
    out.push(`${head}: ${VIOLATION_EXPLANATIONS[kind]}`);
    if (first !== null) {
      const where = [
        `op ${n(first.op)}`,
        ...(first.cpu >= 0 ? [`CPU ${first.cpu}`] : []),
        ...(first.vpn >= 0 ? [`address ${vpnToHex(first.vpn)}`] : []),
        ...(first.pfn >= 0 ? [`pfn 0x${first.pfn.toString(16)}`] : []),
      ].join(', ');
      out.push(`  first: ${where}${first.detail === '' ? '' : `: ${first.detail}`}`);
    }
  });
  return out;
}
