import { parseRunConfig } from './src/workloads/config.ts';
import { UnmappedAllocSource } from './src/workloads/unmapped-alloc.ts';
import { collectEvents, formatEvent, hashEventStream } from './src/workloads/stream.ts';
import { EventChunk } from './src/workloads/events.ts';
import { TlbPressureSource } from './src/workloads/tlb-pressure.ts';
const cfg = parseRunConfig({ machine: { possibleCpus: 2 }, workload: { kind: 'unmapped-alloc', ratePerCpuHz: 200000, timeSliceUs: 5, mmsPerCpu: 1, threadsPerMm: 3, migrateProbability: 0.1 } });
const ev = collectEvents(new UnmappedAllocSource(cfg), 40);
console.log(ev.map(formatEvent).join('\n'));
for (const [name, c, wrap] of [['4cpu', parseRunConfig({}), false], ['4cpu+tlb', parseRunConfig({workload:{kind:'unmapped-alloc', tlbPressure:{}}}), true], ['1024', parseRunConfig({machine:{possibleCpus:1024}}), false]] as const) {
  const N = 5e6;
  let src: any = new UnmappedAllocSource(c);
  if (wrap) src = new TlbPressureSource(src, c.workload.tlbPressure!, 1);
  const chunk = new EventChunk(4096);
  const t0 = performance.now(); let n = 0;
  while (n < N) { src.fill(chunk); n += chunk.length; }
  const dt = performance.now() - t0;
  console.log(name, (n / dt / 1e3).toFixed(2), 'M ev/s');
}
console.log(hashEventStream(new UnmappedAllocSource(parseRunConfig({})), 1e6));
