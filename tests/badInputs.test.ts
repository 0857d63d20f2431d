// Bad input through the command line: the corpus of scripts/bad-inputs.mjs (the page's e2e test reads
// the same list) in one folder at once — each file ends in its result or its clear message on stderr,
// and none stops the others — then 1,000 small files, then every broken model package.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_REPORT, makeBadInputs, makeBrokenPackages, writeManySmallFiles, type BadInput } from '../scripts/bad-inputs.mjs';
import { ensureTinyPackage } from '../scripts/tiny-package.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = mkdtempSync(join(tmpdir(), 'path-extract-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Line = { id: string; fields: Record<string, { value: string }>; flags: { code: string }[]; stage: { group: string } };

function extract(dir: string, ...args: string[]): { code: number | null; stderr: string; lines: Map<string, Line> } {
  const out = join(tmp, 'out.jsonl');
  rmSync(out, { force: true });
  const r = spawnSync(TSX, [join(ROOT, 'src', 'cli', 'extract.ts'), '--in', dir, '--out', out, ...args], { cwd: ROOT, encoding: 'utf8' });
  const lines = new Map<string, Line>();
  let written = '';
  try {
    written = readFileSync(out, 'utf8');
  } catch {
    // No output file: the run was refused before any report (a broken model package).
  }
  for (const l of written.split('\n').filter(Boolean)) {
    const line = JSON.parse(l) as Line;
    lines.set(line.id, line);
  }
  return { code: r.status, stderr: r.stderr, lines };
}

/** The CLI's id for a file: its name without the extension. */
const idOf = (name: string) => name.replace(/\.[^.]+$/, '');

describe('the bad-input corpus through the CLI', () => {
  let corpus: BadInput[];
  const dir = join(tmp, 'corpus');

  beforeAll(async () => {
    corpus = await makeBadInputs(dir);
  }, 120_000);

  it('every kind ends in its result or its message, and none stops the rest', () => {
    const { code, stderr, lines } = extract(dir);
    expect(code).toBe(0);
    const rows: string[] = [];
    for (const entry of corpus) {
      const id = idOf(entry.name);
      if (entry.cliSkipped) {
        expect(stderr.split('\n').find((l) => l.startsWith('skipped ')), entry.name).toMatch(new RegExp(`of types not read here .*: .*\\b${entry.name.replace('.', '\\.')}\\b`));
        expect(lines.has(id), `${entry.name} gave a result`).toBe(false);
        rows.push(`${entry.kind} (${entry.name}): left out of the folder, said so`);
        continue;
      }
      if (entry.refused) {
        expect(stderr, entry.name).toMatch(new RegExp(entry.refused.message));
        expect(lines.has(id), `${entry.name} gave a result`).toBe(false);
        rows.push(`${entry.kind} (${entry.name}): refused — ${stderr.split('\n').find((l) => new RegExp(entry.refused!.message).test(l))}`);
        continue;
      }
      const line = lines.get(id);
      expect(line, `${entry.name} gave no result (${stderr})`).toBeDefined();
      const { values = {}, flags = [], stage, allNotStated } = entry.read!;
      for (const [f, v] of Object.entries(values)) expect(line!.fields[f]!.value, `${entry.name} ${f}`).toBe(v);
      for (const flag of flags) expect(line!.flags.map((f) => f.code), entry.name).toContain(flag);
      if (stage) expect(line!.stage.group, entry.name).toBe(stage);
      if (allNotStated) expect(new Set(Object.values(line!.fields).map((f) => f.value)), entry.name).toEqual(new Set(['not_stated']));
      rows.push(`${entry.kind} (${entry.name}): read — pT ${line!.fields.pT!.value}, flags ${[...new Set(line!.flags.map((f) => f.code))].join(',') || 'none'}`);
    }
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    console.log(`bad-input corpus, ${corpus.length} kinds of file:\n  ${rows.join('\n  ')}`);
  }, 180_000);

  it('1,000 small files at once: 1,000 results', () => {
    const many = join(tmp, 'many');
    writeManySmallFiles(many, 1000);
    const { code, stderr, lines } = extract(many);
    expect(code).toBe(0);
    expect(lines.size).toBe(1000);
    expect(stderr).toMatch(/1000 ok, 0 failed, 1000 total/);
  }, 120_000);
});

describe('broken model packages through the CLI', () => {
  const packages = join(tmp, 'packages');
  const one = join(tmp, 'one-report');

  it('each is refused with a message that names the problem, and no report is written from it', () => {
    const broken = makeBrokenPackages(ensureTinyPackage(), packages);
    rmSync(one, { recursive: true, force: true });
    writeManySmallFiles(one, 2);
    writeFileSync(join(one, 'third.txt'), CORPUS_REPORT);
    const rows: string[] = [];
    for (const b of broken) {
      const { code, stderr, lines } = extract(one, '--extractor', 'hybrid', '--model', join(packages, b.name));
      expect(code, b.name).not.toBe(0);
      expect(stderr, b.name).toMatch(new RegExp(b.message));
      expect(stderr, b.name).not.toMatch(/^\s+at /m);
      expect(lines.size, b.name).toBe(0);
      rows.push(`${b.kind} (${b.name}): ${stderr.split('\n').find((l) => new RegExp(b.message).test(l))}`);
    }
    expect(broken.length).toBe(5);
    console.log(`broken model packages:\n  ${rows.join('\n  ')}`);
  }, 180_000);
});
