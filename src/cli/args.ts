// Flag parsing and exit-code handling shared by the CLIs (extract, eval).
// Use: runMain(async () => { const f = parseFlags(argv, { required: ['in'], optional: [] }, USAGE); ... return 0; }).
import { parseArgs } from 'node:util';

/** Ends the run with an exit code; the message (if any) goes to stderr. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

/** A mistake in how the command was called: exit 2, with a pointer to --help. */
export class UsageError extends CliExit {
  constructor(message: string) {
    super(2, `${message}\nRun with --help for usage.`);
  }
}

export type Flags<R extends string, O extends string> = { [K in R]: string } & { [K in O]?: string };

/**
 * Parses `--name value` / `--name=value` string flags plus --help/-h. Unknown flags, stray
 * positionals and missing required flags are usage errors; --help prints `usage` and exits 0.
 */
export function parseFlags<R extends string, O extends string>(
  argv: readonly string[],
  spec: { required: readonly R[]; optional: readonly O[] },
  usage: string,
): Flags<R, O> {
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of [...spec.required, ...spec.optional]) options[name] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  if (values.help === true) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    throw new CliExit(0);
  }
  const missing = spec.required.filter((name) => values[name] === undefined || values[name] === '');
  if (missing.length > 0) {
    throw new UsageError(`missing required flag${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `--${m}`).join(', ')}`);
  }
  return values as Flags<R, O>;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs a CLI body and turns its result into an exit code. Sets process.exitCode instead of calling
 * process.exit so that buffered stdout (the eval table piped to a file) is flushed before exit.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof CliExit) {
        if (e.message) process.stderr.write(`${e.message}\n`);
        process.exitCode = e.code;
      } else {
        process.stderr.write(`error: ${errorMessage(e)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
