// One reader of JSON Lines and one detector of answers files, shared by report, gate, convert,
// reference and export: every command must tell the same file the same way.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { answersFileKind, detectAnswersFile } from '../src/recordings/answers-file.js';
import { readJsonLines } from '../src/shared/files/json-lines.js';
import { loadTallies } from '../src/recordings/load-tallies.js';
import { run } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const TEACHER = 'test/fixtures/convert/teacher-texts.jsonl';
const REPLAY_JSONL = 'test/fixtures/convert/replay.results.jsonl';
const COUNTS = 'datasets/recordings/lfb-counts.csv';

function write(name: string, text: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

async function readAll(file: string, skipBlankLines?: boolean) {
  const lines = [];
  for await (const l of readJsonLines(file, {
    fix: 'one JSON value per line',
    ...(skipBlankLines === undefined ? {} : { skipBlankLines }),
  }))
    lines.push(l);
  return lines;
}

describe('detectAnswersFile', () => {
  const recordingLine = readFileSync(TEACHER, 'utf8').split('\n')[0]!;
  const promptfooLine = readFileSync(REPLAY_JSONL, 'utf8').split('\n')[0]!;

  it('tells the kinds apart by extension and first non-blank line, .ndjson like .jsonl', () => {
    expect(detectAnswersFile(COUNTS)).toBe('counts-table');
    expect(detectAnswersFile(TEACHER)).toBe('recording');
    expect(detectAnswersFile(REPLAY_JSONL)).toBe('promptfoo-results-jsonl');
    expect(detectAnswersFile('test/fixtures/convert/replay.results.json')).toBe('promptfoo-results-json');
    expect(detectAnswersFile(write('rec.NDJSON', `\n  \n${recordingLine}\n`))).toBe('recording');
    expect(detectAnswersFile(write('rows.ndjson', `${promptfooLine}\n`))).toBe('promptfoo-results-jsonl');
    expect(detectAnswersFile(write('blank.jsonl', '\n \r\n\t\n'))).toBe('empty');
    expect(detectAnswersFile(write('nothing.json', ''))).toBe('empty');
  });

  it('reads a first line longer than one read chunk, multibyte characters included', () => {
    const long = 'é'.repeat(70_000);
    const record = JSON.parse(recordingLine);
    expect(detectAnswersFile(write('long.jsonl', `${JSON.stringify({ ...record, text: long })}\n`))).toBe('recording');
    expect(
      detectAnswersFile(write('long-row.jsonl', `${JSON.stringify({ ...JSON.parse(promptfooLine), note: long })}\n`)),
    ).toBe('promptfoo-results-jsonl');
  });

  it('takes a broken first line that names the sample schema for a recording, any other for promptfoo rows', () => {
    expect(detectAnswersFile(write('cut.jsonl', `${recordingLine.slice(0, 60)}\n`))).toBe('recording');
    expect(detectAnswersFile(write('cut-row.jsonl', `${promptfooLine.slice(0, 60)}\n`))).toBe(
      'promptfoo-results-jsonl',
    );
  });

  it('names the file for an unknown extension, a missing file, a directory and an empty file', () => {
    expect(() => detectAnswersFile('notes.txt')).toThrow(
      /notes\.txt: unknown kind of answers file\. Fix: give a counts table \(\.csv\)/,
    );
    expect(() => detectAnswersFile(join(tempDir(), 'gone.jsonl'))).toThrow(
      /gone\.jsonl: file not found\. Fix: check the path/,
    );
    const dir = join(tempDir(), 'dir.jsonl');
    mkdirSync(dir);
    expect(() => detectAnswersFile(dir)).toThrow(/dir\.jsonl: this is a directory, not a file/);
    expect(() => answersFileKind(write('empty.jsonl', ''))).toThrow(/empty\.jsonl: file is empty\. Fix: /);
  });
});

describe('readJsonLines', () => {
  it('yields each value with its line number, skipping blank lines', async () => {
    const file = write('v.jsonl', '{"a":1}\n\n  \n[2]\r\n"x"\n');
    expect(await readAll(file)).toEqual([
      { line: 1, text: '{"a":1}', value: { a: 1 } },
      { line: 4, text: '[2]', value: [2] },
      { line: 5, text: '"x"', value: 'x' },
    ]);
  });

  it('stops at a line that is not JSON, naming file, line, text and fix', async () => {
    const file = write('bad.jsonl', '{"a":1}\n\n{"a":\n');
    await expect(readAll(file)).rejects.toThrow(
      /bad\.jsonl: line 3: not valid JSON \(got "\{\\"a\\":"\)\. Fix: one JSON value per line/,
    );
  });

  it('can treat a blank line as an error, for files that must be one value per line', async () => {
    await expect(readAll(write('gap.jsonl', '{"a":1}\n\n{"a":2}\n'), false)).rejects.toThrow(
      /gap\.jsonl: line 2: not valid JSON/,
    );
  });

  it('turns a missing file or a directory into an error that names it', async () => {
    await expect(readAll(join(tempDir(), 'gone.jsonl'))).rejects.toThrow(/gone\.jsonl: file not found/);
    await expect(readAll(tempDir())).rejects.toThrow(/stratalign-test-\w+: this is a directory, not a file/);
  });
});

describe('every command reads answers files the same way', () => {
  it('loads a recording named .ndjson, which report once rejected', async () => {
    const file = write('teacher.ndjson', readFileSync(TEACHER, 'utf8'));
    const ndjson = await loadTallies(file, catalogue);
    const jsonl = await loadTallies(TEACHER, catalogue);
    expect(ndjson.kind).toBe('recording');
    expect(ndjson.tallies).toEqual(jsonl.tallies);
  });

  it('says an empty .jsonl is empty instead of reading it as a recording without models', async () => {
    await expect(loadTallies(write('empty.jsonl', '\n'), catalogue)).rejects.toThrow(/empty\.jsonl: file is empty/);
    const report = await run(['report', write('empty.jsonl', '')]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/empty\.jsonl: file is empty/);
    expect(report.stderr).not.toMatch(/role "base"/);
  });

  it('sends counts tables from convert and export to report and reference, without a JSON error', async () => {
    const out = tempDir();
    const convert = await run(['convert', COUNTS, '--out', join(out, 'r.jsonl')]);
    expect(convert.code).toBe(2);
    expect(convert.stderr).toMatch(
      new RegExp(
        String.raw`lfb-counts\.csv: this is a counts table, not promptfoo results\. Fix: counts tables need no ` +
          'conversion: pass them straight to `stratalign report` or `stratalign reference`',
      ),
    );
    expect(convert.stderr).not.toMatch(/not valid JSON/);
    const exported = await run(['export', COUNTS, '--format', 'openai-chat', '--out', out, '--protocol', 'reasoned']);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(
      new RegExp(
        String.raw`lfb-counts\.csv: this is a counts table.*` +
          'Fix: pass counts tables straight to `stratalign report` or `stratalign reference`',
      ),
    );
  });

  it('converts promptfoo rows named .ndjson as it converts .jsonl', async () => {
    const dir = tempDir();
    const ndjson = write('rows.ndjson', readFileSync(REPLAY_JSONL, 'utf8'));
    const a = await run(['convert', ndjson, '--out', join(dir, 'a.jsonl')]);
    const b = await run(['convert', REPLAY_JSONL, '--out', join(dir, 'b.jsonl')]);
    expect(a.code).toBe(0);
    expect(a.stdout.replace(/\S*a\.jsonl/, 'OUT')).toBe(b.stdout.replace(/\S*b\.jsonl/, 'OUT'));
  });
});
