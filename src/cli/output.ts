// -o json|yaml|wide|name: the same objects the API returned, as JSON or YAML; or the table, with
// more columns; or kind/name lines for scripts (and shell completion).
import { Option } from "commander";
import { stringify } from "yaml";

export type OutputFormat = "table" | "wide" | "json" | "yaml" | "name";

export function outputOption(formats: readonly Exclude<OutputFormat, "table">[] = ["json", "yaml", "wide", "name"]): Option {
  return new Option("-o, --output <format>", `output format: ${formats.join(", ")} (default: a table)`).choices([...formats]);
}

/** Plain data: Dates become ISO strings, undefined fields disappear. */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

export function formatDocument(format: "json" | "yaml", value: unknown): string {
  const data = plain(value);
  return format === "json" ? `${JSON.stringify(data, null, 2)}\n` : stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
}

export function write(text: string): void {
  process.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
}

export function writeLines(lines: readonly string[]): void {
  if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
}
