/**
 * Physical pages for the generators: naturally aligned blocks of 2^order pages, as the buddy
 * allocator hands out. A freed block goes on a per-order LIFO stack and is handed out again first
 * (like the per-CPU page lists, which reuse the most recently freed, cache-hot pages); otherwise a
 * bump pointer carves a new aligned block. Live blocks never overlap.
 */
import { PHYS_BASE_PFN } from '../../config/defaults.js';
import { MAX_ORDER } from '../../core/defaults.js';

/**
 * Freed blocks a stack has room for before it grows. The default sweep's points reach 91 on one
 * order (16 points, November 2026); a stack first growing after V8 optimized the generator
 * would deoptimize its fill(), which inlines free().
 */
const STACK_START = 256;

export class PhysAllocator {
  private bump = PHYS_BASE_PFN;
  private readonly stacks: Float64Array[] = [];
  private readonly counts = new Int32Array(MAX_ORDER + 1);

  constructor() {
    for (let o = 0; o <= MAX_ORDER; o++) this.stacks.push(new Float64Array(STACK_START));
  }

  alloc(order: number): number {
    const n = this.counts[order]!;
    if (n > 0) {
      this.counts[order] = n - 1;
      return this.stacks[order]![n - 1]!;
    }
    const size = 2 ** order;
    const pfn = Math.ceil(this.bump / size) * size;
    this.bump = pfn + size;
    return pfn;
  }

  free(pfn: number, order: number): void {
    let s = this.stacks[order]!;
    const n = this.counts[order]!;
    if (n === s.length) {
      const bigger = new Float64Array(n * 2);
      bigger.set(s);
      this.stacks[order] = s = bigger;
    }
    s[n] = pfn;
    this.counts[order] = n + 1;
  }
}
