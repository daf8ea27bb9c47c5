/**
 * `{ ...a, ...b }`, copied key by key so that V8 gives the copies one shared map.
 *
 * Node 20's V8 (11.3) gives an object spread followed by a key of its own (`{ ...o, k: v }`) a
 * map of its own for every object, once the spread's inline cache is warm: the copy's map is a
 * clone outside V8's transition tree, so adding the key makes a fresh map each time. Measured:
 * from the 16th run config parsed in a thread, every config's `machine` and `mermap` had a map
 * of its own. Each function that reads run configs then met a new map with every run, threw its
 * optimized code away and was compiled again (runRow() twice in each sweep worker, about 19 ms
 * of compiling) before its reads went generic. Plain property stores from `{}` follow the
 * transition tree, whose maps every object with the same keys in the same order shares.
 *
 * Same result as the spread for plain data: own enumerable string keys, `a`'s order, then `b`'s
 * new keys; a key of both takes `b`'s value in `a`'s place.
 */
export function withFields<A extends object, B extends object>(a: A, b: B): Omit<A, keyof B> & B {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a)) out[k] = (a as Record<string, unknown>)[k];
  for (const k of Object.keys(b)) out[k] = (b as Record<string, unknown>)[k];
  return out as Omit<A, keyof B> & B;
}
