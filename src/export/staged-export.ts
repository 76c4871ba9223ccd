import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { StratalignError } from '../shared/errors.js';
import { syncDirectory, writeFileAtomic } from '../shared/files/atomic-file.js';

/**
 * A step the export is about to take; a test seam (`ExportOptions.onStep`) that may throw to
 * inject a failure at any point, including the last file and the last move of the publish.
 */
export type ExportStep = { kind: 'write'; path: string } | { kind: 'publish'; format: string };

const PREFIX = '.stratalign-staging-';
const PLAN = 'publish.json';
const PREVIOUS = 'previous';

type PublishPlan = { formats: { id: string; hadPrevious: boolean }[] };

/** Staging directories not yet published or abandoned; removed on process exit (Ctrl-C, a crash). */
const unfinished = new Set<string>();
let exitHookInstalled = false;

/**
 * Every file of every format is written into one hidden staging directory inside the output
 * directory; nothing in the output changes until all of them are complete. `publish` then swaps
 * each format's directory for its staged one in a burst of renames, rolling back what it moved if
 * any rename fails, so an error at any point leaves the previous export byte for byte and no
 * empty or partial folder. The plan is written before the first rename: a process killed in the
 * middle of the burst leaves a plan by which the next export restores the previous one.
 */
export class StagedExport {
  readonly dir: string;
  /** Output directories this export created, to remove again if it is abandoned. */
  private readonly created: string | undefined;
  private done = false;

  constructor(
    readonly outDir: string,
    private readonly onStep?: (step: ExportStep) => void,
  ) {
    this.created = mkdirSync(outDir, { recursive: true });
    this.dir = join(outDir, `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(this.dir);
    track(this.dir);
  }

  formatDir(id: string): string {
    const dir = join(this.dir, id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Called before every file is made final in the staging directory. */
  step(step: ExportStep): void {
    this.onStep?.(step);
  }

  /** Swaps the staged format directories into the output directory, all of them or none. */
  publish(formats: readonly string[]): void {
    const entries = formats.map((id) => ({ id, hadPrevious: existsSync(join(this.outDir, id)) }));
    const plan: PublishPlan = { formats: entries };
    writeFileAtomic(join(this.dir, PLAN), `${JSON.stringify(plan)}\n`);
    mkdirSync(join(this.dir, PREVIOUS));
    const moved: { from: string; to: string }[] = [];
    const move = (from: string, to: string) => {
      renameSync(from, to);
      moved.push({ from, to });
    };
    try {
      for (const { id, hadPrevious } of plan.formats) {
        this.step({ kind: 'publish', format: id });
        if (hadPrevious) move(join(this.outDir, id), join(this.dir, PREVIOUS, id));
        move(join(this.dir, id), join(this.outDir, id));
      }
    } catch (err) {
      try {
        rollBack(moved, this.outDir);
      } catch (undo) {
        // Keep the staging directory and its plan: the next export restores the previous one from it.
        unfinished.delete(this.dir);
        this.done = true;
        throw undo;
      }
      this.abandon();
      throw err;
    }
    syncDirectory(this.outDir);
    this.done = true;
    unfinished.delete(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Removes the staging directory, and the output directory if this export created it and it is empty. */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.dir, { recursive: true, force: true });
    unfinished.delete(this.dir);
    if (this.created) removeEmptyUpTo(this.outDir, this.created);
  }
}

/**
 * Before an export writes into `outDir`: a staging directory of a process still running means a
 * second export into the same place (refused); one of a dead process is removed, after restoring
 * the previous export if that process was killed in the middle of publishing. Returns what was done.
 */
export function recoverInterrupted(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const notes: string[] = [];
  for (const name of readdirSync(outDir)) {
    if (!name.startsWith(PREFIX)) continue;
    const staging = join(outDir, name);
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (pid !== process.pid && isAlive(pid)) {
      const problem = `another export (process ${pid}) is writing to ${outDir}`;
      throw new StratalignError({ file: staging }, problem, 'wait for it to finish, or export to another --out');
    }
    const planFile = join(staging, PLAN);
    if (existsSync(planFile)) {
      restorePrevious(readPlan(planFile), staging, outDir);
      notes.push(`an export into ${outDir} was interrupted while publishing; the previous export was restored`);
    } else {
      const shown = relative(process.cwd(), staging) || staging;
      notes.push(`removed the staging directory of an interrupted export (${shown})`);
    }
    rmSync(staging, { recursive: true, force: true });
  }
  return notes;
}

function readPlan(file: string): PublishPlan {
  try {
    const plan = JSON.parse(readFileSync(file, 'utf8')) as PublishPlan;
    const valid = (f: { id?: unknown; hadPrevious?: unknown }) =>
      typeof f.id === 'string' && typeof f.hadPrevious === 'boolean';
    if (Array.isArray(plan.formats) && plan.formats.every(valid)) return plan;
  } catch {
    // Reported below.
  }
  const fix = `compare ${dirname(file)} with the output directory by hand, then remove it`;
  throw new StratalignError({ file }, 'the plan of an interrupted publish is unreadable', fix);
}

/** Undoes an interrupted publish: each format goes back to what it was before, whichever of its moves happened. */
function restorePrevious(plan: PublishPlan, staging: string, outDir: string): void {
  for (const { id, hadPrevious } of plan.formats) {
    const target = join(outDir, id);
    const previous = join(staging, PREVIOUS, id);
    const stagedNew = join(staging, id);
    // The new directory reached the output if it is no longer in the staging directory.
    const newIsOut = !existsSync(stagedNew) && existsSync(target) && (!hadPrevious || existsSync(previous));
    if (newIsOut) renameSync(target, stagedNew);
    if (hadPrevious && existsSync(previous) && !existsSync(target)) renameSync(previous, target);
  }
  syncDirectory(outDir);
}

function rollBack(moved: readonly { from: string; to: string }[], outDir: string): void {
  for (const { from, to } of [...moved].reverse()) {
    try {
      renameSync(to, from);
    } catch (err) {
      // Left as it is, the next export restores it from the plan (recoverInterrupted).
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const problem = `cannot undo a partial publish (${code}); ${outDir} holds part of the new export`;
      throw new StratalignError({ file: to }, problem, 'run the export again: it restores the previous export first');
    }
  }
  syncDirectory(outDir);
}

function removeEmptyUpTo(dir: string, top: string): void {
  let current = resolve(dir);
  const stop = dirname(resolve(top));
  while (current !== stop && current.length >= resolve(top).length) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function track(dir: string): void {
  if (!exitHookInstalled) {
    process.on('exit', () => {
      for (const staging of unfinished) rmSync(staging, { recursive: true, force: true });
    });
    exitHookInstalled = true;
  }
  unfinished.add(dir);
}
