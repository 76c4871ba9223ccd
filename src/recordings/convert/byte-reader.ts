import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { unreadableFile } from '../../shared/files/file-errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Reads a file in fixed-size chunks and exposes it byte by byte, with just enough JSON knowledge
 * (strings, whitespace, nesting) to skip or copy out one value without parsing it. Memory is one
 * chunk plus the value being copied, whatever the file size. Reads are synchronous on purpose:
 * the callers are generators that hand control back between rows, and a synchronous chunk read
 * keeps the byte loop free of promise overhead.
 */
export class ByteReader {
  /** 1-based line of the next unread byte (newlines inside strings are escaped in JSON, so this is exact). */
  line = 1;
  readonly size: number;
  private readonly fd: number;
  private readonly chunk: Buffer;
  private view: Buffer;
  private pos = 0;
  private consumedBefore = 0;
  private capturing = false;
  private captureStart = 0;
  private captured: Buffer[] = [];

  constructor(
    readonly file: string,
    chunkSize = 1 << 20,
  ) {
    try {
      this.fd = openSync(file, 'r');
    } catch (err) {
      throw unreadableFile(file, err);
    }
    this.size = fstatSync(this.fd).size;
    this.chunk = Buffer.allocUnsafe(chunkSize);
    this.view = this.chunk.subarray(0, 0);
  }

  /** Bytes consumed so far, for progress. */
  get offset(): number {
    return this.consumedBefore + this.pos;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Next byte without consuming it, or -1 at the end of the file. */
  peek(): number {
    if (this.pos >= this.view.length && !this.fill()) return -1;
    return this.view[this.pos]!;
  }

  next(): number {
    const b = this.peek();
    if (b !== -1) this.pos++;
    return b;
  }

  /** Skips JSON whitespace and returns the next byte (not consumed), or -1 at the end. */
  skipWhitespace(): number {
    for (;;) {
      const b = this.peek();
      if (b === 0x20 || b === 0x09 || b === 0x0d) this.pos++;
      else if (b === NEWLINE) {
        this.pos++;
        this.line++;
      } else return b;
    }
  }

  startCapture(): void {
    this.capturing = true;
    this.captureStart = this.pos;
    this.captured = [];
  }

  endCapture(): string {
    this.captured.push(this.view.subarray(this.captureStart, this.pos));
    const text = Buffer.concat(this.captured).toString('utf8');
    this.capturing = false;
    this.captured = [];
    return text;
  }

  /**
   * Consumes one whole JSON value starting at the next non-blank byte. Containers are walked by
   * depth only; their contents are validated later by JSON.parse when the value is kept.
   */
  skipValue(): void {
    const first = this.skipWhitespace();
    if (first === QUOTE) return this.skipString();
    if (first !== 0x7b && first !== 0x5b) return this.skipScalar();
    this.pos++;
    let depth = 1;
    while (depth > 0) {
      if (this.pos >= this.view.length && !this.fill()) return;
      const b = this.view[this.pos]!;
      if (b === QUOTE) {
        this.skipString();
        continue;
      }
      this.pos++;
      if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) depth--;
      else if (b === NEWLINE) this.line++;
    }
  }

  /** Consumes a string starting at the opening quote; jumps from quote to quote with indexOf. */
  skipString(): void {
    this.pos++;
    let from = this.pos;
    for (;;) {
      const at = this.view.indexOf(QUOTE, from);
      if (at === -1) {
        // The string goes on in the next chunk; an odd run of trailing backslashes escapes its first byte.
        const escapesNext = trailingBackslashes(this.view, this.view.length, from) % 2 === 1;
        this.pos = this.view.length;
        if (!this.fill()) return;
        if (escapesNext) this.pos++;
        from = this.pos;
        continue;
      }
      if (trailingBackslashes(this.view, at, from) % 2 === 1) {
        from = at + 1;
        continue;
      }
      this.pos = at + 1;
      return;
    }
  }

  private skipScalar(): void {
    for (;;) {
      const b = this.peek();
      if (b === -1 || b === 0x2c || b === 0x7d || b === 0x5d || b === 0x20 || b === NEWLINE || b === 0x09 || b === 0x0d)
        return;
      this.pos++;
    }
  }

  private fill(): boolean {
    if (this.capturing) {
      // The chunk buffer is reused, so the captured part must be copied before it is overwritten.
      this.captured.push(Buffer.from(this.view.subarray(this.captureStart)));
      this.captureStart = 0;
    }
    this.consumedBefore += this.view.length;
    const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    this.view = this.chunk.subarray(0, n);
    this.pos = 0;
    return n > 0;
  }
}

/** Number of consecutive backslashes just before `end`, not looking before `from`. */
function trailingBackslashes(buf: Buffer, end: number, from: number): number {
  let i = end - 1;
  while (i >= from && buf[i] === BACKSLASH) i--;
  return end - 1 - i;
}
