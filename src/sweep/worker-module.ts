/**
 * The files a sweep's worker threads load: the point runner's module path (a .js path falls back
 * to its .ts source when running under tsx) and the Node options the threads need for it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SweepError } from './errors.js';

/** A TypeScript module: loaded through tsx (and with require() from a CommonJS worker). */
export const TS_EXTENSION = /\.(ts|mts|cts)$/;

/** A module's file path, falling back from .js to .ts when running from sources under tsx. */
export function resolveModulePath(module: URL | string): string {
  const path = module instanceof URL || module.startsWith('file:') ? fileURLToPath(module) : module;
  if (existsSync(path)) return path;
  const ts = path
    .replace(/\.js$/, '.ts')
    .replace(/\.mjs$/, '.mts')
    .replace(/\.cjs$/, '.cts');
  if (ts !== path && existsSync(ts)) return ts;
  throw new SweepError(`worker module not found: ${path}`);
}

/**
 * Node options for the pool threads: inherited from this thread (undefined), unless a .ts module
 * needs the tsx loader and this thread was not started with it. Only the loader is passed then:
 * Node refuses V8 options such as --expose-gc in an explicit list.
 */
export function threadExecArgv(paths: string[]): string[] | undefined {
  if (!paths.some((p) => TS_EXTENSION.test(p))) return undefined;
  if (process.execArgv.some((arg) => /(^|[/\\@])tsx([/\\]|$)/.test(arg))) return undefined;
  let loader: string;
  try {
    loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    throw new SweepError(`running TypeScript worker modules needs tsx, which is not installed`);
  }
  return ['--import', loader];
}
