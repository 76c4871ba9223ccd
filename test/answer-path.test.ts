import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 13: the hops a live answer takes from the test generator to the gate, as listed in
// scripts/dev/trace-answer.mjs and named in the README, must exist in the code.
const SCRIPT = 'scripts/dev/trace-answer.mjs';

function trace(root?: string): { status: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [SCRIPT, ...(root ? ['--root', root] : [])], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { status: 0, out };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

describe('how an answer flows', () => {
  it('finds every listed hop in the code, and the README gives the same count', () => {
    const { status, out } = trace();
    expect(out).not.toMatch(/STALE/);
    expect(status).toBe(0);
    const gate = Number(/hops: gate (\d+)/.exec(out)![1]);
    expect(gate).toBeGreaterThan(10);
    // Issue 13: at most 20 hops from the test generator to the release gate.
    expect(gate).toBeLessThanOrEqual(20);
    expect(readFileSync('README.md', 'utf8')).toContain(`${gate} hops`);
  });

  it('fails when a listed hop disappears from the code', () => {
    const root = mkdtempSync(join(tmpdir(), 'answer-path-'));
    try {
      for (const part of ['src', 'providers', 'assertions', 'extensions', 'README.md', 'promptfooconfig.yaml']) {
        cpSync(part, join(root, part), { recursive: true });
      }
      expect(trace(root).status).toBe(0);
      // The summary stops reading the gate's own report (and its per-model figures): that hop must be reported.
      const file = join(root, 'src/report/eval-summary.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('buildReport(', 'ownReport('));
      const broken = trace(root);
      expect(broken.status).toBe(1);
      expect(broken.out).toMatch(
        new RegExp(
          String.raw`STALE hop \d+ \(src/report/eval-summary\.ts#summariseForEval -> ` +
            String.raw`src/report/build-report\.ts#buildReport\): .* never calls buildReport`,
        ),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
