// Types for scripts/tiny-package.mjs (plain JavaScript, shared by the e2e runner and the Vitest setup).
export declare const TINY_PACKAGE_DIR: string;
export declare function ensureTinyPackage(): string;
