import { parseRunConfig } from './src/workloads/config.ts';
import { UnmappedAllocSource } from './src/workloads/unmapped-alloc.ts';
import { EventChunk } from './src/workloads/events.ts';
const c = parseRunConfig(JSON.parse(process.env.CFG ?? "{}"));
const src = new UnmappedAllocSource(c);
const chunk = new EventChunk(4096);
let n = 0; const t0 = performance.now();
while (n < 2e7) { src.fill(chunk); n += chunk.length; }
console.log((n / (performance.now() - t0) / 1e3).toFixed(2), 'M ev/s');
