/**
 * Helpers for notebooks (tslab): charts (render.ts, display.ts), in-process grids of runs
 * (grid.ts), the facts a notebook states (facts.ts), a plain line chart, and arquero, the table
 * language of the notebooks (re-exported so a notebook needs only this package).
 */
export * as aq from 'arquero';
export * from './display.js';
export * from './facts.js';
export * from './grid.js';
export * from './line-chart.js';
export * from './render.js';
