/**
 * Reading a text file line by line: synchronously in 1 MiB chunks (so a workload can be built
 * without awaiting, and files larger than a JS string still stream), or asynchronously through
 * readline. Both strip a trailing '\r' and give the same lines.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';

export function forEachLineSync(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + decoder.write(buf.subarray(0, n));
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(text.slice(start, end));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  } finally {
    closeSync(fd);
  }
}

export async function forEachLine(path: string, onLine: (line: string) => void): Promise<void> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
}

/** The lines of a string, as the file readers would give them. */
export function forEachLineOfText(text: string, onLine: (line: string) => void): void {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    onLine(text.slice(start, end));
    start = nl + 1;
  }
  if (start < text.length) {
    const last = text.slice(start);
    onLine(last.endsWith('\r') ? last.slice(0, -1) : last);
  }
}
