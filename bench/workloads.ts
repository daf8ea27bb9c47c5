/**
 * Workload generation speed, in isolation: events per second that createEventSource() produces
 * into a reused 4096-event chunk, nothing consuming them. Target (issue): >= 10 M events/s, so
 * generation does not dominate a run.
 */
import { parseRunConfig, presetConfig, type RunConfig, type RunConfigInput } from '../src/config/index.js';
import { createEventSource, EventChunk } from '../src/workloads/index.js';

interface Case {
  name: string;
  config: () => RunConfig;
}

function measure(config: RunConfig, events: number): number {
  const chunk = new EventChunk(4096);
  const src = createEventSource({ ...config, length: { events } });
  let n = 0;
  const t0 = process.hrtime.bigint();
  let more = true;
  while (more) {
    more = src.fill(chunk);
    n += chunk.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / seconds;
}

const cfg = (input: RunConfigInput) => () => parseRunConfig(input);

const CASES: Case[] = [
  { name: 'preset default (unmapped-alloc, 4 CPUs, TLB pressure)', config: () => presetConfig('default') },
  { name: 'unmapped-alloc, 4 CPUs', config: cfg({ machine: { possibleCpus: 4 } }) },
  {
    name: 'unmapped-alloc, 4 CPUs, init_on_free',
    config: cfg({ workload: { kind: 'unmapped-alloc', initMode: 'init_on_free' } }),
  },
  { name: 'unmapped-alloc, 64 CPUs', config: cfg({ machine: { possibleCpus: 64 } }) },
  { name: 'unmapped-alloc, 1024 CPUs', config: cfg({ machine: { possibleCpus: 1024 } }) },
  {
    name: 'unmapped-alloc, 1024 CPUs, TLB pressure',
    config: cfg({ machine: { possibleCpus: 1024 }, workload: { kind: 'unmapped-alloc', tlbPressure: {} } }),
  },
  { name: 'preset nested-slots', config: () => presetConfig('nested-slots') },
  {
    name: 'guest-memfd-populate, 4 TiB from 64 vCPUs',
    config: cfg({
      machine: { possibleCpus: 64 },
      workload: { kind: 'guest-memfd-populate', guestGiB: 4096, vcpus: 64 },
    }),
  },
  { name: 'microbench tight, 1 CPU', config: cfg({ machine: { possibleCpus: 1 }, workload: { kind: 'microbench' } }) },
  {
    name: 'microbench window 3, 4 CPUs, sizes 1..64',
    config: cfg({ workload: { kind: 'microbench', mode: 'window', sizes: { dist: 'uniform', min: 1, max: 64 } } }),
  },
];

/** Every case, or with `only` the case of that name. */
export async function benchWorkloads(
  opts: { quick?: boolean; only?: string } = {},
): Promise<Array<{ name: string; eventsPerSecond: number }>> {
  const events = opts.quick ? 2_000_000 : 10_000_000;
  const out: Array<{ name: string; eventsPerSecond: number }> = [];
  for (const c of CASES) {
    if (opts.only !== undefined && c.name !== opts.only) continue;
    const config = c.config();
    measure(config, Math.min(events / 10, 500_000)); // warm-up: let the JIT compile the hot loops
    out.push({ name: c.name, eventsPerSecond: Math.round(measure(config, events)) });
  }
  return out;
}
