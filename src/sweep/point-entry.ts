/**
 * A finished point's journal entry, once its row is known to fit the results files: no field
 * named like a lead, grid or provenance column, and no two fields that the files would write
 * under one name.
 */
import { fileName } from '../analysis/columns/index.js';
import { PointFailedError } from './errors.js';
import { pointLabel, type SweepPoint } from './plan.js';
import { type Cell, type JournalEntry, sameFileName } from './results.js';

/**
 * The journal entry of `point`'s row (`events`: those of the run behind it, a twin's being the
 * shared run's); `reserved` is reservedColumns() of the sweep. Throws PointFailedError naming
 * the field to rename.
 */
export function pointEntry(
  point: SweepPoint,
  row: Record<string, Cell>,
  events: number,
  reserved: { has(name: string): boolean },
): JournalEntry {
  const clash = Object.keys(row).find((name) => reserved.has(name));
  if (clash !== undefined) {
    throw new PointFailedError(
      point.index,
      pointLabel(point),
      `its row has the field '${clash}', which is a provenance or grid column; rename it in the run function`,
    );
  }
  const twin = sameFileName(Object.keys(row));
  if (twin !== null) {
    throw new PointFailedError(
      point.index,
      pointLabel(point),
      `its row has the fields '${twin[0]}' and '${twin[1]}', both '${fileName(twin[0])}' in the results files; rename one in the run function`,
    );
  }
  return { point: point.index, key: point.key, configHash: point.configHash, seed: point.seed, events, row };
}
