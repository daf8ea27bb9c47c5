/**
 * What kept a file from being read or written, in a few words: the error's code and what it
 * means ("ENOENT: no such file or folder"), never Node's own message, which repeats the path,
 * made absolute, after the path the caller already names.
 */
const WHY: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'a file is in the way',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** "ENOENT: no such file or folder"; an unlisted code as it is. */
export function codeText(code: string): string {
  const why = WHY[code];
  return why === undefined ? code : `${code}: ${why}`;
}

/** An errno error as codeText(); any other error by its message. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return codeText(code);
  return err instanceof Error ? err.message : String(err);
}
