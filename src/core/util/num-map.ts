/**
 * A hash map from numbers to numbers in typed arrays: open addressing, linear probing,
 * backward-shift deletion (no tombstones), doubling when half full. Keys are any finite numbers
 * (page or frame numbers up to 2^53); -Infinity marks an empty slot. Set, get and delete
 * allocate nothing unless the table grows, so it can sit in a per-event path where a JS Map
 * would churn its backing store.
 */
const EMPTY = -Infinity;

export class NumMap {
  private keys: Float64Array;
  private vals: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Float64Array(cap);
    this.mask = cap - 1;
  }

  private slot(key: number): number {
    // mix the low and high 32 bits (page numbers differ in the low bits, kernel ones share the high)
    return (Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b)) & this.mask;
  }

  private find(key: number): number {
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i];
      if (k === key) return i;
      if (k === EMPTY) return -1;
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  /** The value, or `absent` when the key is not there. */
  get(key: number, absent = -1): number {
    const i = this.find(key);
    return i < 0 ? absent : this.vals[i];
  }

  set(key: number, val: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    let i = this.slot(key);
    while (this.keys[i] !== EMPTY && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (this.keys[i] === EMPTY) this.size++;
    this.keys[i] = key;
    this.vals[i] = val;
  }

  /** Add delta to the key's value (0 when absent); a result of 0 removes the key. Returns the new value. */
  add(key: number, delta: number): number {
    const i = this.find(key);
    const v = (i < 0 ? 0 : this.vals[i]) + delta;
    if (v === 0) {
      if (i >= 0) this.removeAt(i);
    } else if (i >= 0) this.vals[i] = v;
    else this.set(key, v);
    return v;
  }

  /** Remove the key; returns its value, or `absent`. */
  take(key: number, absent = -1): number {
    const i = this.find(key);
    if (i < 0) return absent;
    const v = this.vals[i];
    this.removeAt(i);
    return v;
  }

  private removeAt(at: number): void {
    let i = at;
    let j = at;
    for (;;) {
      j = (j + 1) & this.mask;
      if (this.keys[j] === EMPTY) break;
      const h = this.slot(this.keys[j]);
      // move keys[j] back into the hole at i unless its home slot h lies cyclically in (i, j],
      // that is, unless h is fewer probes from j than i is (written so, without the test of
      // whether (i, j] wraps the table's end: a wrap is rare, and a first one after V8 had
      // compiled a caller deoptimized it, the event loop among them; issue 19)
      if (((j - h) & this.mask) >= ((j - i) & this.mask)) {
        this.keys[i] = this.keys[j];
        this.vals[i] = this.vals[j];
        i = j;
      }
    }
    this.keys[i] = EMPTY;
    this.size--;
  }

  /**
   * Take every probing path on throwaway maps: a collision in set() and find(), a deletion that
   * moves a collided key back and one that leaves a key at its home (removeAt()), and a table
   * that grows. Run when this module loads (below), so that V8 has feedback for those paths
   * before it compiles their callers: a sweep worker's warm-up runs are short and often have no
   * collision, and the first one of a real run then deoptimized the event loop, which inlines
   * take() and set() (four of the deoptimizations of a worker's 48 points of the bench's sweep
   * of real runs, November 2026). V8 allocates a function's feedback only after it has run a
   * while, so each path runs `rounds` times. Returns whether each path was taken, for the test.
   */
  static exercise(rounds = 16): { collided: boolean; moved: boolean; stayed: boolean; grew: boolean } {
    const seen = { collided: true, moved: true, stayed: true, grew: true };
    // small keys (allocation ids, as the event loop's maps hold) and page numbers past 2^32;
    // every call below runs in every round (V8 records nothing before it allocates the feedback)
    for (const base of [0, 2 ** 36]) {
      for (let r = 0; r < rounds; r++) {
        const m = new NumMap(8);
        const a = base + 1;
        const s = m.slot(a);
        let b = a + 1;
        while (m.slot(b) !== s) b++;
        // c: a key whose home is two slots after a's, where it stays when a goes
        let c = b + 1;
        while (m.slot(c) !== ((s + 2) & m.mask)) c++;
        m.set(a, 1);
        m.set(b, 2);
        m.set(c, 3);
        const found = m.get(b);
        seen.collided &&= m.keys[(s + 1) & m.mask] === b && found === 2;
        m.take(a);
        const home = m.keys[s];
        const kept = m.keys[(s + 2) & m.mask];
        seen.moved &&= home === b;
        seen.stayed &&= kept === c;
        const cap = m.keys.length;
        for (let k = 0; m.keys.length === cap; k++) m.set(base + 1000 + k, 1);
        const after = m.get(b) + m.get(c);
        seen.grew &&= after === 5;
      }
    }
    return seen;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    this.keys = new Float64Array(oldK.length * 2).fill(EMPTY);
    this.vals = new Float64Array(oldK.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < oldK.length; i++) if (oldK[i] !== EMPTY) this.set(oldK[i], oldV[i]);
  }
}

NumMap.exercise();
