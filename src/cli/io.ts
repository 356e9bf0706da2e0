/** Where a command writes: results to `out` (stdout), progress and problems to `err` (stderr). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** --verbose: print the stacks of errors, for reporting a bug. */
  verbose?: boolean;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
