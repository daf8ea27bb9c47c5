export { benchSweep } from '../src/sweep/bench.js';
