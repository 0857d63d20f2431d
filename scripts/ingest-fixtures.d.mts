// Types of scripts/ingest-fixtures.mjs for the TypeScript tests.
export interface Expect {
  kind: 'report' | 'not_pathology' | 'failure';
  ocr?: boolean;
  reason?: string;
  encoding?: string;
  bom?: boolean;
  pages?: number;
  text?: Record<string, unknown>;
}
export type Fixtures = Record<string, { path: string; expect: Expect }>;
export declare const FIXTURE_REPORT_PATH: string;
export declare function makeIngestFixtures(outDir?: string): Promise<Fixtures>;
export declare function encodeCp1252(text: string): Uint8Array;
