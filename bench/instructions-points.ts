/**
 * The file bench/instructions.ts writes beside its staged build for the child's points mode
 * (./instructions-child.ts): the configs a sweep worker would get, planned by the parent so that
 * the measured process loads only what a worker loads. No imports: the child reads this module.
 */

/** The file's name, in the staged folder's root. */
export const POINTS_FILE = 'points.json';

/** What it holds: the warm-up configs and the points, plain JSON as a worker gets them. */
export interface PointsFile {
  warm: Array<Record<string, unknown>>;
  points: Array<Record<string, unknown>>;
}
