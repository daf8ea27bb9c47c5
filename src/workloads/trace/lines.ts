/**
 * The one line splitter of traces and op scripts: a pull reader over a file (read in 1 MiB
 * blocks, so memory does not grow with the file and files larger than a JS string stream) or an
 * in-memory text. Lines end at '\n'; a trailing '\r' is dropped (CRLF files); a last line
 * without '\n' is a line. Each line carries its 1-based number and the byte offset where it
 * starts, so a reader can later be opened on a byte range of the same file (the per-CPU
 * cursors of the trace merge) and keep numbering lines as the whole file does.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { InputLineError } from '../../util/input-error.js';

const BLOCK = 1 << 20;
/**
 * The longest line a trace or op script may have: 1 MiB. A trace line or an op is well under
 * 1 KiB; a longer one is an error naming its line, where the buffer used to double until the
 * process ran out of memory (a file of no newlines, /dev/zero).
 */
export const MAX_LINE_BYTES = 1 << 20;
const NL = 10;
const CR = 13;

export interface LineRange {
  /** byte offset of the first line to read */
  start: number;
  /** byte offset where reading stops (exclusive); Infinity for the end of the file */
  end: number;
  /** number of the line at `start` */
  firstLine: number;
}

export class LineReader {
  /** number of the last line returned (0 before the first) */
  lineNo = 0;
  /** byte offset where the last line returned starts */
  offset = 0;
  /** byte offset just past the last line returned and its end of line */
  endOffset = 0;
  private readonly fd: number | null;
  private buf: Buffer;
  private bufStart = 0; // file offset of buf[0]
  private bufLen = 0;
  private pos = 0; // next unread byte in buf
  private filePos: number;
  private readonly end: number;
  private eof = false;
  private closed = false;
  /** the file's path, or what a text stands for, for the error of a line too long */
  private readonly name: string;

  private constructor(fd: number | null, data: Buffer | null, range: LineRange, name: string, block = BLOCK) {
    this.fd = fd;
    this.name = name;
    this.end = range.end;
    this.lineNo = range.firstLine - 1;
    this.filePos = range.start;
    this.bufStart = range.start;
    if (data !== null) {
      this.buf = data;
      this.bufStart = 0;
      this.pos = range.start;
      this.bufLen = Math.min(data.length, range.end);
      this.eof = true;
    } else {
      this.buf = Buffer.allocUnsafe(block);
    }
  }

  /** Open a file (throws the fs error, with its `code`, if it cannot be read). */
  static open(path: string, range: Partial<LineRange> = {}, blockBytes = BLOCK): LineReader {
    const fd = openSync(path, 'r');
    return new LineReader(fd, null, { start: 0, end: Infinity, firstLine: 1, ...range }, path, blockBytes);
  }

  /** A text, or a byte range of its UTF-8 encoding (as a file reader over the same bytes). */
  static ofText(text: string | Buffer, range: Partial<LineRange> = {}, name = 'text'): LineReader {
    const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    return new LineReader(null, data, { start: 0, end: Infinity, firstLine: 1, ...range }, name);
  }

  /** The next line without its end of line, or null at the end. */
  next(): string | null {
    for (;;) {
      const nl = this.buf.indexOf(NL, this.pos);
      if (nl >= 0 && nl < this.bufLen) return this.take(nl, nl + 1);
      if (this.eof) {
        if (this.pos >= this.bufLen) return null;
        return this.take(this.bufLen, this.bufLen);
      }
      this.refill();
    }
  }

  private take(lineEnd: number, nextPos: number): string {
    const start = this.pos;
    let e = lineEnd;
    if (e > start && this.buf[e - 1] === CR) e--;
    if (e - start > MAX_LINE_BYTES) this.tooLong();
    this.offset = this.bufStart + start;
    this.endOffset = this.bufStart + nextPos;
    this.lineNo++;
    this.pos = nextPos;
    return this.buf.toString('utf8', start, e);
  }

  /** Keep the unread tail, read the next block after it (growing the buffer for a long line). */
  private refill(): void {
    const tail = this.bufLen - this.pos;
    if (tail > MAX_LINE_BYTES + 1) this.tooLong(); // (+1: a \r that may end it)
    if (tail >= this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.pos, this.bufLen);
      this.buf = bigger;
    } else if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.bufLen);
    }
    this.bufStart += this.pos;
    this.pos = 0;
    this.bufLen = tail;
    const want = Math.min(this.buf.length - tail, this.end - this.filePos);
    const n = want > 0 ? readSync(this.fd!, this.buf, tail, want, this.filePos) : 0;
    this.filePos += n;
    this.bufLen += n;
    if (n === 0) this.eof = true;
  }

  /** The line being read is past MAX_LINE_BYTES: stop at it (the reader is closed). */
  private tooLong(): never {
    this.close();
    throw new InputLineError(this.name, this.lineNo + 1, `line longer than ${MAX_LINE_BYTES} bytes`);
  }

  close(): void {
    this.eof = true;
    if (this.fd !== null && !this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

/** Every line of a file, in order (the reader is closed at the end or on a throw). */
export function forEachLineSync(path: string, onLine: (line: string, lineNo: number) => void): void {
  const r = LineReader.open(path);
  try {
    for (let l = r.next(); l !== null; l = r.next()) onLine(l, r.lineNo);
  } finally {
    r.close();
  }
}

/** The lines of a string, as the file reader would give them. */
export function forEachLineOfText(text: string, onLine: (line: string, lineNo: number) => void): void {
  const r = LineReader.ofText(text);
  for (let l = r.next(); l !== null; l = r.next()) onLine(l, r.lineNo);
}
