/**
 * Bytes of typed-array storage reachable from `root`: through its own properties, plain arrays
 * and the objects they hold, at most `depth` objects down (an array costs no depth), each array
 * and object counted once. Objects in `stop` (state shared with the rest of the machine: the
 * Machine an allocator flushes through, the checker a TLB reports to) are not entered.
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

/**
 * The typed arrays a machine makes as it runs, beyond what its mms and TLBs hold when made:
 * page-table pools that double, a region's checker stamps and PTE index the first time an mm
 * maps on a CPU, vmap-block's per-CPU offsets, the reserved-handle marks. With large regions
 * each (process, CPU) pair a run reaches costs megabytes, so the run layer sets `limit` and is
 * told (`onOver`, which may throw) the moment the total passes it.
 */
export class StateMeter {
  bytes = 0;
  limit = Infinity;
  onOver: ((bytes: number) => void) | null = null;

  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limit && this.onOver !== null) this.onOver(this.bytes);
  }
}
