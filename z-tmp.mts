import { parseRunConfig } from './src/workloads/config.ts';
import { createEventSource } from './src/workloads/index.ts';
import { checkStream } from './test/workloads/helpers.ts';
for (const [slice, rate, p] of [[0.2, 500000, 0.9], [1, 500000, 0.9], [1, 300000, 0.5], [2, 400000, 0.9], [0.5, 300000, 0.9]]) {
  const c = parseRunConfig({ workload: { kind: 'unmapped-alloc', ratePerCpuHz: rate, mmsPerCpu: 1, threadsPerMm: 6, timeSliceUs: slice, preemptProbability: p, migrateProbability: 0 }, length: { events: 1000000 } });
  const f = checkStream(createEventSource(c), 4, { allowLiveAtEnd: true });
  console.log(slice, rate, p, f.maxLivePerCpuMm, JSON.stringify(f.byKind));
}
