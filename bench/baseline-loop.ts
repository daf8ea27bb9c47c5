/**
 * One timed run of the allocator alone for `npm run bench:baseline`, on the compiled tree in
 * LIB_DIR (this tree's .build/src, or the baseline's dist): the bench's tight loop (core.ts,
 * allocatorTight: rfc-v1, 4-level paging, R = 512, one CPU, a 1-page get then its put), loaded by path so that
 * the same loop code times either build. Prints {"pairsPerSecond": N}.
 *
 *   node [the CLI's V8 flags] baseline-loop.js LIB_DIR PAIRS
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Allocator {
  get(cpu: number, pages: number, reserved: boolean, prot: number, inTask: boolean): number;
  put(handle: number): number;
}

const [lib, pairsArg] = process.argv.slice(2);
const load = async (file: string) => (await import(pathToFileURL(join(lib!, file)).href)) as Record<string, unknown>;
const { RfcV1Mermap } = (await load('core/mermap/rfc-v1.js')) as {
  RfcV1Mermap: new (geometry: unknown, host: unknown, opts: object) => Allocator;
};
const { mermapGeometry } = (await load('core/paging/geometry.js')) as {
  mermapGeometry: (levels: number, regionPages: number, possibleCpus: number) => unknown;
};
const { PROT_KERNEL_NOGLOBAL } = (await load('core/paging/pte.js')) as { PROT_KERNEL_NOGLOBAL: number };

const noFlush = { flushTlbAll() {}, flushTlbMm() {}, invlpg() {}, flushKernelRangeAllCpus() {} };
const a = new RfcV1Mermap(mermapGeometry(4, 512, 1), noFlush, {});
const get = (pages: number) => a.get(0, pages, false, PROT_KERNEL_NOGLOBAL, true);
const put = (h: number) => void a.put(h);
const loop = (n: number) => {
  for (let i = 0; i < n; i++) put(get(1));
};

const pairs = Number(pairsArg);
loop(2_000_000); // warm-up: let the JIT settle, as the bench does
const t0 = process.hrtime.bigint();
loop(pairs);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`${JSON.stringify({ pairsPerSecond: pairs / seconds })}\n`);
