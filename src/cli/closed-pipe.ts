/**
 * Output to a reader that has gone away: `mermap-lab run --help | head -3`, or a summary piped
 * to a pager that was quit. Node ignores SIGPIPE, so the next write fails with EPIPE, and an
 * output stream's unhandled error ended the command with a stack trace. Here the rest of that
 * stream's output is dropped and the command carries on: a sweep or run still writes its files
 * (nothing is lost that the reader had not refused), and its exit status is its own.
 */

/** Errors of a write to a stream whose reader closed (EPIPE), or to the stream after that. */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/** Whether `e` says the stream's reader has gone away. */
export function isClosedPipe(e: unknown): boolean {
  return e instanceof Error && CLOSED.has((e as NodeJS.ErrnoException).code ?? '');
}

/** Drop what `stream` cannot deliver to a closed reader; any other error is raised as before. */
export function toleratePipeClose(stream: NodeJS.WritableStream): void {
  stream.on('error', (e: unknown) => {
    if (!isClosedPipe(e)) throw e;
  });
}
