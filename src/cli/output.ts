/**
 * What every `ipb` subcommand prints and how it ends: exit codes, errors printed without stack
 * traces ({@link runAction}), data on stdout, `--json`, `--out -`.
 */

/** Process exit codes of every `ipb` subcommand. */
export const EXIT = {
  /** Success: the log is intact, the data was printed. */
  ok: 0,
  /** The input was read but is not good: the log is not intact, has bad lines, etc. */
  failed: 1,
  /** Usage error (bad option, missing argument) or I/O error (missing file, directory). */
  usage: 2,
} as const;

/** An exit code of `ipb`. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the person at the terminal: printed as one message, never with a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** The process exit code this error ends with. */
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
  }
}

/** Writes one line to stderr. */
export function printError(message: string): void {
  process.stderr.write(`${message.endsWith('\n') ? message : `${message}\n`}`);
}

/** Writes data to stdout (a final newline is added when missing). */
export function printOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints a value as one line of JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** The message of anything thrown, without a stack. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Runs a subcommand's body: a thrown {@link CliError} becomes its message on stderr and its
 * exit code; anything else becomes "internal error" with exit code 2 (set `IPB_DEBUG=1` to see
 * the stack). The body returns the exit code for normal endings.
 */
export async function runAction(name: string, body: () => Promise<ExitCode> | ExitCode): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    if (e instanceof CliError) {
      printError(`ipb ${name}: ${e.message}`);
      process.exitCode = e.exitCode;
      return;
    }
    if (isBrokenPipe(e)) {
      process.exitCode = EXIT.ok;
      return;
    }
    printError(`ipb ${name}: internal error: ${messageOf(e)}`);
    if (process.env['IPB_DEBUG'] === '1' && e instanceof Error && e.stack !== undefined) printError(e.stack);
    process.exitCode = EXIT.usage;
  }
}

function isBrokenPipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';
}

/** `--out`: `-` means standard output. */
export const STDOUT = '-';

/** True when `--out` asks for standard output (absent or `-`). */
export function toStdout(out: string | undefined): boolean {
  return out === undefined || out === STDOUT;
}
