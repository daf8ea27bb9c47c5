/**
 * Bytes of typed-array storage reachable from `root`: through its own properties, plain arrays
 * and the objects they hold, at most `depth` objects down (an array costs no depth), each array and object counted once.
 * Objects in `stop` (state shared with the rest of the machine: the Machine an allocator flushes
 * through, the checker a TLB reports to) are not entered.
 *
 * What the simulator's state costs is almost all typed arrays (page tables, per-CPU allocator
 * state, TLB arrays, checker stamps), so this is how a run's size is measured from the code
 * itself rather than restated beside it (src/run/state-size.ts).
 */
export function typedArrayBytes(root: object, depth: number, stop: ReadonlySet<object>): number {
  const seen = new Set<object>(stop);
  const walk = (v: unknown, left: number): number => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return 0;
    const isArray = Array.isArray(v);
    if (!isArray && !ArrayBuffer.isView(v) && left === 0) return 0;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return v.byteLength;
    let n = 0;
    // a plain array is a list of what its holder holds: entering it costs no depth
    for (const x of isArray ? v : Object.values(v)) n += walk(x, isArray ? left : left - 1);
    return n;
  };
  return walk(root, depth);
}
