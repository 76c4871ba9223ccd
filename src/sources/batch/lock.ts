import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StratalignError } from '../../shared/errors.js';

export const LOCK_FILE = '.lock';

/**
 * One process per collection directory: two at once could both submit the same items. A lock
 * left by a process that no longer runs (killed, crashed) is taken over, so resuming after a
 * SIGKILL needs no manual cleanup.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // Already removed.
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StratalignError(
          { file: path },
          `cannot create the lock file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          'check that the collection directory exists and is writable',
        );
      }
      const holder = lockHolder(path);
      if (holder !== null && holder !== process.pid && isRunning(holder)) {
        throw new StratalignError(
          { file: path, value: holder },
          `another stratalign batch process (pid ${holder}) is working on this collection`,
          'wait for it to finish or stop it; if no such process runs, delete the lock file',
        );
      }
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first; the next attempt decides.
      }
    }
  }
  throw new StratalignError(
    { file: path },
    'the lock file keeps reappearing',
    'make sure only one stratalign batch process works on this collection',
  );
}

function lockHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
