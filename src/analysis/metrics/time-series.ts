/**
 * A time series at a fixed step, in bounded memory.
 *
 * Samples are taken at k * step (k = 0, 1, 2, ...) of simulated time or of ops. The rows live in
 * one Float64Array of maxRows x columns. When it is full, every second row is dropped and the
 * step doubles: the rows kept are those at multiples of the new step, so the series stays at a
 * fixed step and memory stays flat however long the run. The final step is
 * initial step x 2^halvings, at most about 2 x run length / maxRows.
 *
 * Values are cumulative counters and the state at the sample point; per-interval rates are
 * differences of consecutive rows, computed on output (see RunMetrics.timeSeriesRows()).
 */
export class FixedStepSeries {
  readonly columns: readonly string[];
  readonly maxRows: number;
  step: number;
  /** next sample point (ns or op) */
  next: number;
  rows = 0;
  halvings = 0;
  private readonly data: Float64Array;
  private readonly width: number;

  constructor(columns: readonly string[], start: number, step: number, maxRows: number) {
    if (!(step > 0) || !Number.isFinite(step))
      throw new RangeError(`sample step must be a finite number > 0, got ${step}`);
    if (!Number.isInteger(maxRows) || maxRows < 4 || maxRows % 2 !== 0) {
      throw new RangeError(`maxSeriesRows must be an even whole number >= 4, got ${maxRows}`);
    }
    this.columns = columns;
    this.width = columns.length;
    this.maxRows = maxRows;
    this.step = step;
    this.next = start;
    this.data = new Float64Array(maxRows * this.width);
  }

  /** Append one row (values in column order, read from `values`); advances `next`. */
  push(values: Float64Array): void {
    if (this.rows === this.maxRows) this.halve();
    this.data.set(values.subarray(0, this.width), this.rows * this.width);
    this.rows++;
    this.next += this.step;
  }

  /** Drop the odd rows and double the step. */
  private halve(): void {
    const w = this.width;
    const keep = this.rows >> 1;
    for (let i = 1; i < keep; i++) this.data.copyWithin(i * w, 2 * i * w, 2 * i * w + w);
    // the next sample is due at the next multiple of the doubled step after the last kept row
    const start = this.next - this.rows * this.step;
    this.rows = keep;
    this.step *= 2;
    this.halvings++;
    this.next = start + keep * this.step;
  }

  value(row: number, col: number): number {
    return this.data[row * this.width + col];
  }
}
