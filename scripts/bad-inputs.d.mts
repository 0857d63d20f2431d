// Types of scripts/bad-inputs.mjs for the TypeScript tests.
export interface Read {
  values?: Record<string, string>;
  flags?: string[];
  stage?: string;
  allNotStated?: boolean;
}
/** `message` is a regular expression's source. */
export interface Refused {
  error: string;
  message: string;
}
export interface BadInput {
  name: string;
  kind: string;
  read?: Read;
  refused?: Refused;
  /** The CLI leaves it out of a folder (not a report type), and says so. */
  cliSkipped?: boolean;
}
export interface BrokenPackage {
  name: string;
  kind: string;
  message: string;
}
export declare const CORPUS_REPORT: string;
export declare function makeBadInputs(dir: string): Promise<BadInput[]>;
export declare function writeManySmallFiles(dir: string, count?: number): string[];
export declare function makeBrokenPackages(source: string, root: string): BrokenPackage[];
