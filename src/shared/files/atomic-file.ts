import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StratalignError } from '../errors.js';

export type WrittenFile = { path: string; lines: number; bytes: number; sha256: string };

/** Temp files not yet committed; removed on process exit so an interrupted run leaves no debris. */
const live = new Set<string>();
let exitHookInstalled = false;

function track(path: string): void {
  if (!exitHookInstalled) {
    process.on('exit', () => {
      for (const temp of live) {
        try {
          unlinkSync(temp);
        } catch {
          // Already gone.
        }
      }
    });
    exitHookInstalled = true;
  }
  live.add(path);
}

const BUFFER_BYTES = 1 << 20;

/**
 * A file that appears complete or not at all: lines go to a temp file in the target directory
 * (same filesystem, so the final rename is atomic), which is fsynced and renamed on commit and
 * deleted on discard. Lines are buffered and written in 1 MiB batches; the sha256 and counts
 * describe exactly the bytes written.
 */
export class AtomicFile {
  lines = 0;
  bytes = 0;
  private readonly temp: string;
  private fd: number | null;
  private readonly hash: Hash = createHash('sha256');
  // Text is encoded straight into one reused buffer: no joined strings or per-line buffers to collect.
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;

  constructor(readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
    try {
      this.fd = openSync(this.temp, 'wx');
    } catch (err) {
      throw new StratalignError(
        { file: path },
        `cannot write here (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        'check that the output directory exists and is writable',
      );
    }
    track(this.temp);
  }

  writeLine(line: string): void {
    this.write(line);
    this.write('\n');
    this.lines++;
  }

  write(text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8, so this bound needs no measuring.
    if (this.used + text.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (text.length * 3 > BUFFER_BYTES) {
        this.writeBytes(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  commit(): WrittenFile {
    this.flush();
    const fd = this.open();
    fsyncSync(fd);
    closeSync(fd);
    this.fd = null;
    renameSync(this.temp, this.path);
    live.delete(this.temp);
    return { path: this.path, lines: this.lines, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    try {
      unlinkSync(this.temp);
    } catch {
      // Never created or already removed.
    }
    live.delete(this.temp);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeBytes(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeBytes(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.open(), data, offset);
    this.hash.update(data);
    this.bytes += data.length;
  }

  private open(): number {
    if (this.fd === null) throw new Error(`${this.path}: file already committed or discarded`);
    return this.fd;
  }
}

/** Makes a directory's renames durable (a crash right after rename must not lose the new name). */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems do not support fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes a whole small file atomically (manifests, dataset_info.json, references). */
export function writeFileAtomic(path: string, content: string): WrittenFile {
  const file = new AtomicFile(path);
  try {
    file.write(content);
    file.lines = content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
    const written = file.commit();
    syncDirectory(dirname(path));
    return written;
  } catch (err) {
    file.discard();
    throw err;
  }
}
