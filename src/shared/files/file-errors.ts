import { StratalignError } from '../errors.js';

/** True for errors the file system raised (they carry the system call), not for errors about content. */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/** The one message for a file that cannot be opened or read: missing, a directory, or refused. */
export function unreadableFile(file: string, err: unknown, fix = 'check the path'): StratalignError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const problem =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EISDIR'
        ? 'this is a directory, not a file'
        : `cannot read file (${code ?? 'error'})`;
  return new StratalignError({ file }, problem, fix);
}
