/**
 * The browser builds of vega, vega-lite and vega-embed, read from node_modules once per process
 * and inlined into a report page, so that it opens offline from file://.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface BrowserLibrary {
  name: string;
  version: string;
  code: string;
}

const BROWSER_LIBRARIES = ['vega', 'vega-lite', 'vega-embed'] as const;

/**
 * Locate a package's root from its resolved entry point. The packages' `exports` maps do not
 * expose ./package.json, so `require.resolve('vega/package.json')` throws
 * ERR_PACKAGE_PATH_NOT_EXPORTED; resolve the entry and walk up to the package.json naming it.
 */
function packageRoot(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === name) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package root of ${name}`);
    dir = parent;
  }
}

async function loadBrowserLibrary(name: string): Promise<BrowserLibrary> {
  const root = packageRoot(name);
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
    jsdelivr?: string;
    unpkg?: string;
  };
  // The CDN fields name the minified UMD build; build/NAME.min.js is the same file by convention.
  const candidates = [pkg.jsdelivr, pkg.unpkg, `build/${name}.min.js`].filter(
    (p): p is string => typeof p === 'string' && p.endsWith('.js'),
  );
  const file = candidates.map((p) => path.join(root, p)).find((p) => existsSync(p));
  if (file === undefined) {
    throw new Error(
      `no browser (UMD) build of ${name} ${pkg.version} found in ${root} (looked for ${candidates.join(', ')}); ` +
        'reinstall node_modules with scripts/setup.sh',
    );
  }
  return { name, version: pkg.version, code: await readFile(file, 'utf8') };
}

let librariesPromise: Promise<BrowserLibrary[]> | undefined;

export function browserLibraries(): Promise<BrowserLibrary[]> {
  librariesPromise ??= Promise.all(BROWSER_LIBRARIES.map(loadBrowserLibrary)).catch((err: unknown) => {
    librariesPromise = undefined; // do not cache a failure
    throw err;
  });
  return librariesPromise;
}
