import { describe, expect, it } from 'vitest';
import { typedArrayBytes } from '../../src/core/util/state-bytes.js';

describe('typedArrayBytes', () => {
  it('counts typed arrays through properties, arrays and objects, each once, to a depth', () => {
    const shared = new Float64Array(4); // 32 bytes
    const inner = { a: new Uint8Array(3), deeper: { b: new Int32Array(5) } }; // 3, then 20 one level down
    const root = {
      x: shared,
      again: shared, // the same array: counted once
      list: [new Int32Array(2), undefined, shared, [new Uint16Array(3)]], // 8 + 6 (arrays cost no depth)
      inner,
      n: 7,
      s: 'text',
    };
    expect(typedArrayBytes(root, 0, new Set())).toBe(0);
    expect(typedArrayBytes(root, 1, new Set())).toBe(32 + 8 + 6);
    expect(typedArrayBytes(root, 2, new Set())).toBe(32 + 8 + 6 + 3);
    expect(typedArrayBytes(root, 3, new Set())).toBe(32 + 8 + 6 + 3 + 20);
    // a stop object is not entered, and a stop array is not counted
    expect(typedArrayBytes(root, 3, new Set<object>([inner, shared]))).toBe(8 + 6);
    // a cycle ends
    const a: Record<string, unknown> = { t: new Uint8Array(9) };
    a.self = a;
    a.pair = { back: a, u: new Uint8Array(1) };
    expect(typedArrayBytes(a, 10, new Set())).toBe(10);
  });
});
