import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PROT_KERNEL_GLOBAL, PROT_KERNEL_NOGLOBAL, mermapGeometry, mkPte } from '../../src/core/paging/index.js';
import { FLUSH_CR3, FLUSH_INVPCID_SINGLE, TLB_PRESETS, Tlb, type TlbPresetName } from '../../src/core/tlb/index.js';
import { type TlbArray, TlbFlag } from '../../src/core/tlb/tlb-array.js';

/**
 * The partner links (TlbArray.partner) tell evictions and flushes whether the other level still
 * holds a copy of a translation: over random lookups, fills of every page size, stale marks and
 * flushes of every kind, each valid entry has a partner exactly when a scan of the other level
 * finds a copy of its translation, and the partner links back to it.
 */
const G = mermapGeometry(4, 512, 4);
const LO = G.baseVpn;
/** a direct-map 1 GiB page's first 4 KiB page (2^18-aligned) */
const DM = 0xffff888000000;

/** What the checks need of a Tlb's levels (protected fields). */
interface Levels {
  l1For: readonly TlbArray[];
  stlb: TlbArray;
  arrays: readonly TlbArray[];
}

/** The reference: a scan of every entry of `other` for a copy of entry i of `a`. */
function hasCopy(other: TlbArray, a: TlbArray, i: number): boolean {
  const f = a.flags[i]!;
  const same = TlbFlag.SIZE | TlbFlag.GLOBAL;
  for (let j = 0; j < other.pcid.length; j++) {
    if (other.pcid[j]! < 0 || other.vpn[j] !== a.vpn[i] || (other.flags[j]! & same) !== (f & same)) continue;
    if ((f & TlbFlag.GLOBAL) !== 0 || other.pcid[j] === a.pcid[i]) return true;
  }
  return false;
}

/** The first entry whose partner link is wrong, as "array/entry: why", or null. */
function wrongPartner(t: Tlb): string | null {
  const { l1For, stlb, arrays } = t as unknown as Levels;
  for (const [n, a] of arrays.entries()) {
    for (let i = 0; i < a.pcid.length; i++) {
      const p = a.partner[i];
      if (a.pcid[i] < 0) {
        if (p !== -1) return `${n}/${i}: invalid with partner ${p}`;
        continue;
      }
      const other = a === stlb ? l1For[(a.flags[i] & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT]! : stlb;
      if (p >= 0 !== hasCopy(other, a, i)) return `${n}/${i}: partner ${p}, copy ${!(p >= 0)}`;
      if (p >= 0 && (other.pcid[p]! < 0 || other.partner[p] !== i)) return `${n}/${i}: partner ${p} links elsewhere`;
    }
  }
  return null;
}

// [kind, page, pcid, global]: 0 access (lookup, fill on a miss), 1 markStale, 2 __flush_tlb_all,
// 3 CR3 write / INVPCID single of pcid, 4 INVLPG
const op = fc.tuple(
  fc.integer({ min: 0, max: 9 }),
  fc.integer({ min: 0, max: 23 }),
  fc.integer({ min: 1, max: 3 }),
  fc.boolean(),
);

/**
 * page k of the test's mix: mermap pages, user pages, 2 MiB and 1 GiB direct-map pages; the 4 KiB
 * ones 16 pages apart, so that they share one L1 set in every preset (16 sets or fewer) and
 * evict each other there
 */
function page(k: number): { vpn: number; shift: number } {
  if (k < 8) return { vpn: LO + k * 16, shift: 12 };
  if (k < 16) return { vpn: 0x400 + (k - 8) * 16, shift: 12 };
  if (k < 20) return { vpn: DM + (k - 16) * 512 + 7, shift: 21 };
  return { vpn: DM + (k - 20) * 2 ** 18 + 513, shift: 30 };
}

describe('TLB partner links', () => {
  for (const preset of ['tiny', 'zen2', 'haswell', 'golden-cove'] as TlbPresetName[]) {
    it(`${preset}: a partner exactly where the other level holds a copy`, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 50, maxLength: 300, size: 'max' }), (ops) => {
          const t = new Tlb(TLB_PRESETS[preset], LO, G.endVpn, { op: 0, ns: 0 });
          for (const [kind, k, pcid, global] of ops) {
            const { vpn, shift } = page(k);
            if (kind <= 5) {
              const g = global || shift > 12;
              if (!t.hit(vpn, pcid))
                t.fill(vpn, pcid, mkPte(1000 + k, g ? PROT_KERNEL_GLOBAL : PROT_KERNEL_NOGLOBAL), shift);
            } else if (kind === 6) t.markStale(vpn, pcid);
            else if (kind === 7) t.flushAll(pcid, true);
            else if (kind === 8) t.flushPcid(pcid, pcid, true, global ? FLUSH_CR3 : FLUSH_INVPCID_SINGLE);
            else t.invlpg(vpn, pcid);
            const wrong = wrongPartner(t);
            if (wrong !== null) throw new Error(wrong);
          }
        }),
        { seed: 19, numRuns: 100 },
      );
    });
  }
});
