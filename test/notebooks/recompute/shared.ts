/** The types and helpers every notebook's recomputation shares. */
import * as ml from '../../../src/index.js';

export type FactValue = ml.FactValue;
export type Params = Record<string, unknown>;
export type Row = Record<string, ml.Cell>;

export const mean = (rows: ReadonlyArray<Record<string, unknown>>, k: string): number =>
  rows.reduce((a, r) => a + Number(r[k]), 0) / rows.length;

export async function gridRows(base: unknown, grid: unknown): Promise<Row[]> {
  const runs = await ml.runGrid(ml.gridPoints(base as ml.RunConfigInput, grid as Record<string, ml.GridValue[]>));
  return runs.map((r) => r.row);
}

export function reasonOf(res: ml.ReplayResult): string {
  return 'reason' in res && res.reason !== null && res.reason !== undefined ? String(res.reason) : 'ok';
}
export function offsetOf(res: ml.ReplayResult): number {
  return 'offset' in res && res.offset !== null ? res.offset : -1;
}
