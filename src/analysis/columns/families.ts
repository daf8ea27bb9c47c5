/**
 * Column families: one quantity over a fixed list of members, so each member's name and the
 * family's wording are written once, for the run columns and the per-CPU rows alike.
 */
import { type ColumnKind, joinName } from './column.js';

/**
 * The classes of translation full flushes discard (TlbCategories, the TLB model's CAT_*), each
 * with the words descriptions name it by.
 */
export const DISCARD_CLASSES = [
  ['mermap', 'mermap entries'],
  ['global', 'global kernel entries'],
  ['otherPcid', "other PCIDs' entries"],
  ['user', 'user entries'],
] as const;

export type DiscardClass = (typeof DISCARD_CLASSES)[number][0];

/** One value per discard class, made from the class and its words: { mermap: make(...), ... }. */
export function perDiscardClass<V>(make: (what: string, cls: DiscardClass) => V): Record<DiscardClass, V> {
  return Object.fromEntries(DISCARD_CLASSES.map(([cls, what]) => [cls, make(what, cls)])) as Record<DiscardClass, V>;
}

/**
 * One column definition per discard class, keyed prefix + class: ('tlbPerFlush', ...) ->
 * tlbPerFlushMermap, tlbPerFlushGlobal, tlbPerFlushOtherPcid, tlbPerFlushUser.
 */
export function discardClassDefs<const P extends string>(
  prefix: P,
  unit: string,
  kind: ColumnKind,
  describe: (what: string) => string,
) {
  return DISCARD_CLASSES.map(
    ([cls, what]) => [joinName(prefix, cls) as `${P}${Capitalize<DiscardClass>}`, unit, kind, describe(what)] as const,
  );
}
