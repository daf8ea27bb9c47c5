/**
 * One replicate of a bench figure in a process of its own, for bench/main.ts: replicates run in
 * one process share V8's feedback (closures made at one site share it), so the second run of a
 * loop measured its code after the first had made it polymorphic (the allocator's window loop
 * ran at 44-46 M pairs/s there against 67 M in a fresh process). Each replicate in a fresh
 * process is also what a user gets: its own JIT decisions, which vary from process to process.
 *
 *   node child.js core PAIRS_ALLOCATOR PAIRS_MACHINE   benchCore() rows, as JSON
 *   node child.js workload NAME [quick]                benchWorkloads() of that case, as JSON
 */
import { benchCore } from './core.js';
import { benchWorkloads } from './workloads.js';
import { widenV8Inlining } from '../src/util/v8-inlining.js';

widenV8Inlining(); // as bench/main.ts and the CLI
const [mode, a, b] = process.argv.slice(2);
if (mode === 'core') {
  process.stdout.write(JSON.stringify(benchCore({ allocatorPairs: Number(a), machinePairs: Number(b) })));
} else if (mode === 'workload' && a !== undefined) {
  process.stdout.write(JSON.stringify(await benchWorkloads({ only: a, quick: b === 'quick' })));
} else {
  process.stderr.write('usage: child.js core PAIRS PAIRS | workload NAME [quick]\n');
  process.exitCode = 2;
}
