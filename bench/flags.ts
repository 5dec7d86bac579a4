// The benchmarks' command-line flags: `--name value`.
export const args = process.argv.slice(2);

/** The number after `--name`, or `dflt` when the flag is absent. */
export function flag(name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}
