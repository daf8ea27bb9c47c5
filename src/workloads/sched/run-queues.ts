/**
 * The run queues of a generator's CPUs: each CPU's tasks in round-robin order, a circular
 * doubly linked list through `next`/`prev`, and the task each CPU runs now (`cur`):
 *
 *   cur[c] -> next[cur[c]] -> ... -> prev[cur[c]] -> cur[c]
 *   running   runs next              runs last
 *
 * A preemption moves cur[c] one step on; a migrated task joins its new CPU's queue last.
 */
export class RunQueues {
  /** the task each CPU runs */
  readonly cur: Int32Array;
  /** tasks queued on each CPU, the running one included */
  readonly count: Int32Array;
  /** per task: the next and the previous task of its CPU's queue */
  readonly next: Int32Array;
  readonly prev: Int32Array;

  /** `cpus` CPUs of `perCpu` tasks each: CPU c's are c * perCpu .. (c + 1) * perCpu - 1, the first running. */
  constructor(cpus: number, perCpu: number) {
    this.cur = new Int32Array(cpus);
    this.count = new Int32Array(cpus).fill(perCpu);
    this.next = new Int32Array(cpus * perCpu);
    this.prev = new Int32Array(cpus * perCpu);
    for (let c = 0; c < cpus; c++) {
      const first = c * perCpu;
      for (let i = 0; i < perCpu; i++) {
        this.next[first + i] = first + ((i + 1) % perCpu);
        this.prev[first + i] = first + ((i + perCpu - 1) % perCpu);
      }
      this.cur[c] = first;
    }
  }

  /** CPU c switches to the next task of its queue; returns it. */
  rotate(c: number): number {
    const k = this.next[this.cur[c]!]!;
    this.cur[c] = k;
    return k;
  }

  /** Move task m, queued on CPU c and not running, to CPU dest, where it runs last. */
  migrate(m: number, c: number, dest: number): void {
    const next = this.next;
    const prev = this.prev;
    const p = prev[m]!;
    const q = next[m]!;
    next[p] = q;
    prev[q] = p;
    this.count[c]--;
    // just before dest's running task: the last in round-robin order
    const dc = this.cur[dest]!;
    const dp = prev[dc]!;
    next[dp] = m;
    prev[m] = dp;
    next[m] = dc;
    prev[dc] = m;
    this.count[dest]++;
  }
}
