/** Exit codes (CLI.md). */
export const ExitCode = {
  ok: 0,
  designFailed: 1,
  usage: 2,
  provider: 3,
  cad: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI prints as one clear message and maps to an exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
  ) {
    super(message);
    this.name = "UserError";
  }
}
