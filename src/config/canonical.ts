/**
 * Canonical JSON and hashing: the one place that decides what "the same config" means.
 *
 * canonicalJson(v) is JSON.stringify with object keys sorted (by UTF-16 code units, the order
 * Array.prototype.sort gives strings) at every depth, no whitespace. Arrays keep their order.
 * Two values that are equal as JSON data give the same string, whatever order their keys were
 * written in, so hashes of configs do not depend on how a YAML file was laid out.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`not JSON data: ${String(value)}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A deep copy of JSON data (the configs handed to workers are plain JSON). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The path of the first value inside `value` that is not JSON data (a non-finite number,
 * undefined, a function, a class instance such as a Date), or null when it is all JSON data.
 */
export function firstNonJson(value: unknown, path = ''): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : path;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const bad = firstNonJson(value[i], `${path}[${i}]`);
          if (bad !== null) return bad;
        }
        return null;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return path;
      for (const [k, v] of Object.entries(value)) {
        const bad = firstNonJson(v, path === '' ? k : `${path}.${k}`);
        if (bad !== null) return bad;
      }
      return null;
    }
    default:
      return path;
  }
}
