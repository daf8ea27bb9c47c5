/**
 * The tasks of a round: the round's points in canonical order, each task a point and, when the
 * sweep has a twin key (RunSweepOptions.twinKey), the points of the round that are the same
 * simulation: one worker runs it once and returns every twin's row.
 *
 *   todo (canonical)   p0  p1  p2  p3  p4  p5 ...        key(p1) = key(p3) = key(p5) = k
 *   tasks              [p0] [p1 + p3 p5] [p2] [p4] ...   twins looked for among the next LOOKAHEAD
 *
 * Twins are looked for among the next LOOKAHEAD points only, so a round of a million points
 * costs a bounded buffer; twins further apart run on their own (the same rows, more work).
 * Which points share a task changes only the work, never a row: results stay the same bytes.
 */
import type { SweepPoint } from './plan.js';

/** Points ahead of the next one that are searched for its twins. */
export const LOOKAHEAD = 256;

/** The simulation a point config stands for, shared by its twins; null: it has none. */
export type TwinKey = (config: Record<string, unknown>) => string | null;

export interface SweepTask {
  point: SweepPoint;
  twins: SweepPoint[];
}

export class TaskQueue {
  private readonly buffer: SweepPoint[] = [];
  /** twin keys of the buffered points, by point index (a key costs a config parse) */
  private readonly keys = new Map<number, string | null>();
  private exhausted = false;

  constructor(
    private readonly todo: Iterator<SweepPoint>,
    private readonly twinKey: TwinKey | undefined,
  ) {}

  /** The next task, or null when the round has no points left. */
  next(): SweepTask | null {
    this.fill();
    const point = this.buffer.shift();
    if (point === undefined) return null;
    const key = this.keyOf(point);
    this.keys.delete(point.index);
    const twins: SweepPoint[] = [];
    if (key !== null) {
      for (let i = 0; i < this.buffer.length; ) {
        const p = this.buffer[i]!;
        if (this.keyOf(p) === key) {
          twins.push(p);
          this.buffer.splice(i, 1);
          this.keys.delete(p.index);
        } else i++;
      }
    }
    return { point, twins };
  }

  private fill(): void {
    while (!this.exhausted && this.buffer.length <= LOOKAHEAD) {
      const item = this.todo.next();
      if (item.done === true) this.exhausted = true;
      else this.buffer.push(item.value);
    }
  }

  private keyOf(p: SweepPoint): string | null {
    if (this.twinKey === undefined) return null;
    let k = this.keys.get(p.index);
    if (k === undefined) {
      k = this.twinKey(p.config);
      this.keys.set(p.index, k);
    }
    return k;
  }
}
