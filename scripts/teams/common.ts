/**
 * What every part of the Teams app packaging shares: the variables' shape, the error that lists
 * every problem found, and how a value is quoted in a problem message.
 */

/** Variables for the package: a plain object, e.g. `process.env`. */
export type PackageEnv = Record<string, string | undefined>;

/** The package could not be built; `problems` lists every reason, one sentence each. */
export class TeamsPackageError extends Error {
  /** Every problem found, each naming the variable, JSON pointer or file concerned. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TeamsPackageError';
    this.problems = problems;
  }
}

/** `value` as a JSON string for a problem message, cut to 80 characters (`...` at the end). */
export const show = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
