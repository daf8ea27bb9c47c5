/**
 * The shape the render layer accepts: a Vega-Lite specification as plain JSON.
 *
 * Deliberately loose (`object`): chart builders may type their specs with vega-lite's own
 * `TopLevelSpec`, whose interfaces would not be assignable to an index-signature type, and the
 * emitted .d.ts must stay readable by tslab's bundled TypeScript 5.0, so it must not reference
 * vega-lite's declarations. vega-lite's compiler validates the spec at render time.
 */
export type VegaLiteSpec = object;

/** Throws a TypeError unless `spec` is a non-null, non-array object. */
export function assertSpecObject(spec: unknown, what = 'spec'): asserts spec is VegaLiteSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new TypeError(`${what} must be a Vega-Lite specification object, got ${describe(spec)}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * Names used both as file names (NAME.svg, NAME.png) and as HTML ids: a letter or digit, then
 * letters, digits, '.', '_' or '-'. No path separators, no leading dot, nothing to escape.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertSafeName(name: unknown, what = 'name'): asserts name is string {
  if (typeof name !== 'string' || !SAFE_NAME.test(name)) {
    throw new RangeError(
      `${what} ${JSON.stringify(name)} is not allowed: use 1-128 characters from [A-Za-z0-9._-], ` +
        'starting with a letter or digit',
    );
  }
}
