/**
 * A cluster query expression that does not parse. `position` is the 0-based offset in the
 * expression where it broke (the expression's length when it ended too early).
 */
export class QueryParseError extends Error {
  override readonly name = "QueryParseError";
  readonly position: number;
  /** The message without the "Invalid expression at position N: " prefix. */
  readonly detail: string;

  constructor(position: number, detail: string) {
    super(`Invalid expression at position ${position}: ${detail}`);
    this.position = position;
    this.detail = detail;
  }
}
