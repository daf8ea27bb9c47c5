/**
 * Instructions per JavaScript function, for `npm run bench:instructions -- --functions`: what a
 * callgrind profile (`--dump-instr=yes`: a count per instruction address) says once its
 * addresses are named by V8's perf map (`node --perf-basic-prof` writes /tmp/perf-PID.map: one
 * line per code object, "START SIZE NAME" in hex, the name "JS:*f file:line:col" for f's
 * optimized code, ^ for Sparkplug's, ~ for the interpreter's).
 *
 * Callgrind cannot name V8's generated code, so its own report puts every JavaScript function
 * under a few anonymous addresses; with the map each optimized function has its own line, and
 * the count of its first instruction is how often it was entered (a call not inlined; on-stack
 * replacement enters elsewhere and is not counted).
 *
 * The profile's cost lines (callgrind's format, "positions: instr line", "events: Ir") are
 * "ADDRESS LINE IR", each position absolute (0x...), relative to the same field of the line
 * before ("+N", "-N") or the same ("*"). The line after a "calls=" line is what the call cost,
 * inclusive, so it is the caller's total and not its own: it is skipped here.
 */

/** One code object of a perf map. */
export interface PerfMapEntry {
  start: number;
  size: number;
  name: string;
}

/** What the profile counted in one function's code. */
export interface FunctionCost {
  name: string;
  /** instructions executed in the function's own code (inlined callees included) */
  instructions: number;
  /** times its first instruction ran: entries by a call */
  entries: number;
}

/** A perf map's entries, by start address; lines that are not "START SIZE NAME" are skipped. */
export function parsePerfMap(text: string): PerfMapEntry[] {
  const out: PerfMapEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.+)$/.exec(line);
    if (m !== null) out.push({ start: Number.parseInt(m[1]!, 16), size: Number.parseInt(m[2]!, 16), name: m[3]! });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Index of the entry whose range holds addr, or -1 (entries sorted by start, not overlapping). */
function entryAt(map: readonly PerfMapEntry[], addr: number): number {
  let lo = 0;
  let hi = map.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]!.start <= addr) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && addr < map[hi]!.start + map[hi]!.size ? hi : -1;
}

/**
 * The profile's own instructions by code object of `map` (those with none left out), most
 * first, and the process's total. Throws on a profile without instruction addresses.
 */
export function costByFunction(
  callgrind: string,
  map: readonly PerfMapEntry[],
): { total: number; functions: FunctionCost[] } {
  const lines = callgrind.split('\n');
  const positions = lines.find((l) => l.startsWith('positions:'));
  if (positions === undefined || positions.split(/\s+/)[1] !== 'instr') {
    throw new Error('callgrind profile without instruction addresses (run it with --dump-instr=yes)');
  }
  const fields = positions.trim().split(/\s+/).length - 1;
  const last = new Array<number>(fields).fill(0);
  const own = new Float64Array(map.length);
  const entries = new Float64Array(map.length);
  let total = 0;
  let inclusive = false;
  for (const line of lines) {
    const c = line.charCodeAt(0);
    const isCost = (c >= 48 && c <= 57) || line[0] === '+' || line[0] === '-' || line[0] === '*';
    if (!isCost) {
      if (line.startsWith('calls=')) inclusive = true;
      continue;
    }
    const parts = line.trim().split(/\s+/);
    for (let k = 0; k < fields; k++) {
      const t = parts[k]!;
      // (a relative position is a sign and a number, decimal or 0x hex as an absolute one)
      if (t === '*') continue;
      if (t[0] === '+') last[k] = last[k]! + Number(t.slice(1));
      else if (t[0] === '-') last[k] = last[k]! - Number(t.slice(1));
      else last[k] = Number(t);
    }
    if (inclusive) {
      inclusive = false;
      continue;
    }
    const ir = parts.length > fields ? Number(parts[fields]) : 0;
    total += ir;
    const i = entryAt(map, last[0]!);
    if (i < 0) continue;
    own[i] += ir;
    if (last[0] === map[i]!.start) entries[i] += ir;
  }
  const functions: FunctionCost[] = [];
  map.forEach((e, i) => {
    if (own[i]! > 0) functions.push({ name: e.name, instructions: own[i]!, entries: entries[i]! });
  });
  functions.sort((a, b) => b.instructions - a.instructions || (a.name < b.name ? -1 : 1));
  return { total, functions };
}

/**
 * The `top` costliest functions as table rows, names without `prefix` (the build's folder), and
 * one row for the rest of the process (other functions, V8's compiler and collector, start-up).
 */
export function functionRows(
  cost: { total: number; functions: readonly FunctionCost[] },
  prefix: string,
  top: number,
): Array<Record<string, string | number>> {
  const pct = (n: number) => +((100 * n) / cost.total).toFixed(1);
  const rows: Array<Record<string, string | number>> = cost.functions.slice(0, top).map((f) => ({
    function: f.name.split(prefix).join(''),
    'M instructions': +(f.instructions / 1e6).toFixed(1),
    '% of all': pct(f.instructions),
    entries: f.entries,
    'per entry': f.entries > 0 ? Math.round(f.instructions / f.entries) : '-',
  }));
  const shown = cost.functions.slice(0, top).reduce((s, f) => s + f.instructions, 0);
  rows.push({
    function: '(the rest: other code, V8 compiling and collecting, start-up)',
    'M instructions': +((cost.total - shown) / 1e6).toFixed(1),
    '% of all': pct(cost.total - shown),
    entries: '-',
    'per entry': '-',
  });
  return rows;
}
