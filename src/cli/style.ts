// Colour, only where a person looks at it: stdout is a terminal, NO_COLOR is unset and --no-color
// was not given. Status words keep one colour everywhere: green when done and well, yellow while
// in motion, red when failed or gone.

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

/** Columns a string takes on screen (ANSI sequences take none). */
export function visibleWidth(s: string): number {
  return [...stripAnsi(s)].length;
}

export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  /** A status word in its colour (RUNNING green, PENDING yellow, FAILED red, ...). */
  status(s: string): string;
}

const GOOD = new Set(["ACTIVE", "RUNNING", "COMPLETED", "HEALTHY", "PRIMARY", "SUCCESSFUL", "ROLLBACK_SUCCESSFUL", "connected", "registered", "created", "configured", "healthy"]);
const MOVING = new Set(["PENDING", "PROVISIONING", "ACTIVATING", "IN_PROGRESS", "DRAINING", "STOPPING", "DEACTIVATING", "DEPROVISIONING", "UNKNOWN", "REGISTERING", "ROLLBACK_IN_PROGRESS", "initial", "draining"]);
const BAD = new Set(["FAILED", "STOPPED", "UNHEALTHY", "INACTIVE", "disconnected", "ROLLBACK_FAILED", "REGISTRATION_FAILED", "DEREGISTERING", "unhealthy"]);

export function colorWanted(flag: boolean | undefined, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return !!stream.isTTY && env.TERM !== "dumb";
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled && s !== "" ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  const green = wrap(32, 39);
  const yellow = wrap(33, 39);
  const red = wrap(31, 39);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green,
    yellow,
    red,
    status: (s) => (GOOD.has(s) ? green(s) : MOVING.has(s) ? yellow(s) : BAD.has(s) ? red(s) : s),
  };
}
