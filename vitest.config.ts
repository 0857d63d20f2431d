// Unit tests (Node): domain logic, CLI tools. Browser tests live in e2e/ and run under Playwright.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds public/models/tiny-random with model-export if it is missing (the model tests load it).
    globalSetup: ['tests/setup/tiny-package.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
