/**
 * src/analysis: streaming metrics (metrics/), arquero tables (tables.ts), Vega-Lite chart specs
 * (charts/) and the cost models. Imports nothing from vega: safe for notebooks' require().
 */
export * from './metrics/index.js';
export * from './tables.js';
export * from './charts/index.js';
export * from './cost-models.js';
