import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StratalignError } from '../../shared/errors.js';
import { syncDirectory } from '../../shared/files/atomic-file.js';

/**
 * An append-only JSONL file that survives a crash at any point: lines are appended with one
 * write each and fsynced at the points the caller chooses (before the journal records a step),
 * and on opening, a last line cut off by a crash (no final newline) is removed, since the step
 * that wrote it was never recorded as done and will run again.
 */
export class AppendLog {
  private fd: number;
  /** Bytes of a cut-off last line removed on opening; 0 normally. */
  readonly repairedBytes: number;

  constructor(readonly path: string) {
    const existed = existsSync(path);
    try {
      this.fd = openSync(path, 'a+');
    } catch (err) {
      throw new StratalignError(
        { file: path },
        `cannot open for appending (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        'check that the collection directory exists and is writable',
      );
    }
    this.repairedBytes = removeTornTail(this.fd);
    if (!existed) syncDirectory(dirname(path));
  }

  writeLine(line: string): void {
    const data = Buffer.from(`${line}\n`, 'utf8');
    let offset = 0;
    // Opened with O_APPEND: every write lands at the end of the file.
    while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
  }

  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

function removeTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0 || lastByte(fd, size) === 0x0a) return 0;
  // Scan back in blocks for the last newline; everything after it is the torn line.
  const block = Buffer.allocUnsafe(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    const n = readSync(fd, block, 0, end - start, start);
    const at = block.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) {
      ftruncateSync(fd, start + at + 1);
      fsyncSync(fd);
      return size - (start + at + 1);
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  fsyncSync(fd);
  return size;
}

function lastByte(fd: number, size: number): number {
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, size - 1);
  return one[0]!;
}
