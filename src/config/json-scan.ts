/**
 * Where a JSON text first goes wrong, with its offset: a syntax error (RFC 8259), a duplicate key
 * (JSON.parse silently keeps the last one; YAML rejects it, so JSON configs do too) or nesting
 * deeper than MAX_NESTING. JSON.parse's messages carry no position on Node 20, and the YAML
 * library accepts much that is not JSON (trailing commas, bare words), so neither can say this.
 *
 * Iterative (an explicit stack of open containers): no input can overflow the call stack.
 */
import { MAX_NESTING } from './depth.js';

export interface JsonProblem {
  offset: number;
  message: string;
}

interface Frame {
  /** '{' or '[' */
  open: string;
  /** keys seen so far in an object */
  keys: Set<string> | null;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** The first problem of a JSON text, or null if it is valid JSON without duplicate keys. */
export function locateJsonError(text: string, maxNesting = MAX_NESTING): JsonProblem | null {
  let i = 0;
  const n = text.length;
  const fail = (msg: string, at = i): never => {
    throw new Stop(at, msg);
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = () => (i >= n ? 'end of input' : JSON.stringify(text[i]));
  const str = () => {
    i++; // opening quote
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        i++;
        return;
      }
      if (ch < 0x20) fail('control character in string');
      if (ch === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail('bad escape in string');
      } else i++;
    }
    fail('unterminated string');
  };
  const num = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail(`unexpected ${describe()}`);
    i += m![0].length;
  };
  const stack: Frame[] = [];
  const open = (c: string) => {
    if (stack.length >= maxNesting) fail(`nests deeper than ${maxNesting} levels`);
    stack.push({ open: c, keys: c === '{' ? new Set() : null });
    i++;
  };
  /** A key and its colon, in the innermost object. */
  const key = () => {
    ws();
    if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe()}`);
    const start = i;
    str();
    const name = JSON.parse(text.slice(start, i)) as string;
    const keys = stack[stack.length - 1]!.keys!;
    if (keys.has(name)) fail(`duplicate key ${JSON.stringify(name)} (keys must be unique)`, start);
    keys.add(name);
    ws();
    if (text[i] !== ':') fail(`expected ":", found ${describe()}`);
    i++;
  };
  /** Reads one value; returns true when it opened a container (whose contents come next). */
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      open(c);
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++; // empty: closed at once
        stack.pop();
        return false;
      }
      if (c === '{') key();
      return true;
    }
    if (c === '"') {
      str();
      return false;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return false;
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      num();
      return false;
    }
    return fail(`unexpected ${describe()}`);
  };
  try {
    let opened = value();
    for (;;) {
      if (opened) {
        opened = value();
        continue;
      }
      // after a complete value: close containers or move to the next element
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      ws();
      const close = top.open === '{' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        if (top.keys !== null) key();
        opened = value();
      } else if (text[i] === close) {
        i++;
        stack.pop();
      } else {
        fail(`expected "," or "${close}", found ${describe()}`);
      }
    }
    ws();
    if (i < n) fail(`unexpected ${describe()} after the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}
