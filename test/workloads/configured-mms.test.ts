import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, parseRunConfig } from '../../src/config/index.js';
import { configuredMms, createEventSource } from '../../src/workloads/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures');

describe('configuredMms', () => {
  it('is the mm count each source makes, known from the config alone (null for a trace)', () => {
    const cases: Array<[string, ReturnType<typeof parseRunConfig>, number | null]> = [
      [
        'unmapped-alloc',
        parseRunConfig(
          { machine: { possibleCpus: 16, onlineCpus: 6 }, workload: { kind: 'unmapped-alloc', mmsPerCpu: 3 } },
          'x',
        ),
        18,
      ],
      [
        'unmapped-alloc, capped',
        parseRunConfig({ machine: { possibleCpus: 64, onlineCpusCap: 5 }, workload: { kind: 'unmapped-alloc' } }, 'x'),
        10,
      ],
      [
        'guest-memfd-populate',
        parseRunConfig({ machine: { possibleCpus: 8 }, workload: { kind: 'guest-memfd-populate' } }, 'x'),
        1,
      ],
      [
        'microbench',
        parseRunConfig({ machine: { possibleCpus: 4 }, workload: { kind: 'microbench', mode: 'window' } }, 'x'),
        1,
      ],
      ['ops', loadRunConfig(join(fixtures, 'configs', 'good.json')), 1],
      [
        'ftrace',
        parseRunConfig({ workload: { kind: 'ftrace', path: join(fixtures, 'ftrace', 'clean.trace') } }, 'x'),
        null,
      ],
    ];
    for (const [name, config, mms] of cases) {
      expect([name, configuredMms(config)]).toEqual([name, mms]);
      if (mms !== null) expect([name, createEventSource(config).topology.mms]).toEqual([name, mms]);
    }
  });
});
