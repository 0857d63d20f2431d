// The training-data script that quotes evidence from the rule extractor, run as a child process through
// tsx: synthetic reports keep every label, the pan-cancer TNM set keeps only the codes its text states.
// Run: npx vitest run tests/evidence-from-rules.test.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'path-extract-evidence-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Row { id: string; text: string; labels: Record<string, string>; evidence?: Record<string, string[]> }

const filler = (n: number) => 'Sections show tissue with no further findings. '.repeat(n);
const STAGED = `${filler(40)}Pathologic stage: pT2 pN1a. ${filler(40)}`;
const SIZE_ONLY = 'Invasive ductal carcinoma, tumor size 2.5 cm.';
const ROWS: Row[] = [
  // registrar pM M0 is nowhere in the text, so only pT and pN survive --stated-only
  { id: 'staged', text: STAGED, labels: { pT: 'T2', pN: 'N1', pM: 'M0' } },
  // T2 follows from the breast size thresholds, which do not hold for other sites: dropped by --stated-only
  { id: 'size-only', text: SIZE_ONLY, labels: { pT: 'T2' } },
  // the rules read T2 where the registrar says T3: no quote, and nothing left to keep
  { id: 'disagrees', text: 'Pathologic stage: pT2.', labels: { pT: 'T3' } },
  // annotated reports pass through unchanged
  { id: 'annotated', text: 'ER: positive (90%).', labels: { ER: 'positive' }, evidence: { ER: ['ER: positive'] } },
];

function only(rows: Row[], id: string): Row {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no output row ${id}`);
  return row;
}

function run(args: string[]): { code: number | null; rows: Row[]; stderr: string } {
  const input = join(tmp, 'in.jsonl');
  const output = join(tmp, `out-${args.join('_')}.jsonl`);
  writeFileSync(input, ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'evidence-from-rules.ts'), '--in', input, '--out', output, ...args], { cwd: ROOT, encoding: 'utf8' });
  const rows = r.status === 0 ? readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row) : [];
  return { code: r.status, rows, stderr: r.stderr };
}

describe('evidence-from-rules', () => {
  it('keeps every report and label, quoting the rules where they read the labelled value', () => {
    const { code, rows } = run([]);
    expect(code).toBe(0);
    expect(rows.map((r) => r.id)).toEqual(['staged', 'size-only', 'disagrees', 'annotated']);
    const staged = only(rows, 'staged');
    const annotated = only(rows, 'annotated');
    expect(staged.labels).toEqual({ pT: 'T2', pN: 'N1', pM: 'M0' });
    expect(staged.evidence).toEqual({ pT: ['pT2'], pN: ['pN1a'] });
    expect(staged.text).toBe(STAGED);
    expect(Object.keys(only(rows, 'size-only').evidence ?? {})).toEqual(['pT']);
    expect(only(rows, 'disagrees').evidence).toEqual({});
    expect(annotated).toEqual(ROWS[3]);
  });

  it('with --stated-only, --fields and --excerpt keeps only stated codes, cut to an excerpt around them', () => {
    const { code, rows } = run(['--fields', 'pT,pN,pM', '--stated-only', '--excerpt', '300']);
    expect(code).toBe(0);
    expect(rows.map((r) => r.id)).toEqual(['staged', 'annotated']);
    const staged = only(rows, 'staged');
    expect(staged.labels).toEqual({ pT: 'T2', pN: 'N1' });
    expect(staged.text.length).toBe(300);
    expect(STAGED).toContain(staged.text);
    for (const quotes of Object.values(staged.evidence ?? {})) for (const q of quotes) expect(staged.text).toContain(q);
  });

  it('--sample keeps a subset chosen by id, not by file order', () => {
    const first = run(['--sample', '2']).rows.map((r) => r.id);
    expect(first).toHaveLength(2);
    ROWS.reverse();
    const reversed = run(['--sample', '2']).rows.map((r) => r.id);
    ROWS.reverse();
    expect(reversed).toEqual(first);
  });

  it('rejects fields outside the schema', () => {
    const { code, stderr } = run(['--fields', 'pT,stage']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('not schema fields: stage');
  });
});
