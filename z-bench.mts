import { benchWorkloads } from './bench/workloads.ts';
for (const r of await benchWorkloads({ quick: process.argv.includes('--quick') })) console.log(r.name.padEnd(60), (r.eventsPerSecond / 1e6).toFixed(1), 'M/s');
