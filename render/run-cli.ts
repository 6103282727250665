import { UsageError } from "./stack-file";

/** A mistake in what was asked (the arguments, a stack file, a setting): its message names the fix. */
export function isUsageError(error: unknown): error is Error {
  return error instanceof Error && (error instanceof UsageError || error.name === "SettingsError");
}

/**
 * Runs a command's `main` and exits with its code: 2 and the message alone for a mistake in what
 * was asked; 1 and "`name` failed: ..." for anything else, with the stack when `stack` is set
 * (there a failure is a fault of the program, which the stack helps to find), then `faultHint`.
 */
export function runCli(name: string, main: () => Promise<number>, options: { stack?: boolean; faultHint?: string } = {}): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (isUsageError(error)) {
        process.stderr.write(`${error.message}\n`);
        process.exit(2);
      }
      const detail = error instanceof Error ? ((options.stack ? error.stack : undefined) ?? error.message) : String(error);
      process.stderr.write(`${name} failed: ${detail}\n${options.faultHint ? `${options.faultHint}\n` : ""}`);
      process.exit(1);
    },
  );
}
