// The translation report: every field that did not carry over exactly, with the reason.
// Nothing is dropped silently — a field either maps, or it appears here.

export type ReportKind =
  /** The field has no counterpart on the other side; it was left out. */
  | "unmapped"
  /** The field was translated to something close but not identical (the reason says how). */
  | "approximated"
  /** The field was translated; the note explains a choice a reader might not expect. */
  | "info";

export interface ReportEntry {
  /** Where the field was found, e.g. "Deployment/web.spec.template.spec.initContainers[0]". */
  path: string;
  /** The field's own name, e.g. "initContainers". */
  field: string;
  reason: string;
  kind: ReportKind;
}

/** Collects entries under a path prefix, so translators can say `at("spec.replicas")`. */
export class Reporter {
  readonly entries: ReportEntry[];
  private readonly prefix: string;

  constructor(prefix: string, entries: ReportEntry[] = []) {
    this.prefix = prefix;
    this.entries = entries;
  }

  /** A reporter for a nested path that writes into the same list. */
  child(segment: string): Reporter {
    return new Reporter(joinPath(this.prefix, segment), this.entries);
  }

  get path(): string {
    return this.prefix;
  }

  unmapped(field: string, reason: string): void {
    this.add("unmapped", field, reason);
  }

  approximated(field: string, reason: string): void {
    this.add("approximated", field, reason);
  }

  info(field: string, reason: string): void {
    this.add("info", field, reason);
  }

  private add(kind: ReportKind, field: string, reason: string): void {
    this.entries.push({ path: joinPath(this.prefix, field), field: lastSegment(field === "" ? this.prefix : field), reason, kind });
  }
}

function joinPath(prefix: string, segment: string): string {
  if (segment === "") return prefix;
  if (prefix === "") return segment;
  // "Deployment/web" + "spec" reads "Deployment/web.spec"; "x" + "[0]" reads "x[0]".
  return segment.startsWith("[") ? `${prefix}${segment}` : `${prefix}.${segment}`;
}

function lastSegment(field: string): string {
  // Map keys are written ["example.com/key"]; the key is the field's name.
  const key = /\["([^"]*)"\]$/.exec(field);
  if (key) return key[1] as string;
  const dotted = field.split(".");
  const last = dotted[dotted.length - 1] ?? field;
  return last.replace(/\[\d+\]$/, "");
}

const KIND_ORDER: readonly ReportKind[] = ["unmapped", "approximated", "info"];
const KIND_TITLE: Record<ReportKind, string> = {
  unmapped: "Not translated",
  approximated: "Translated approximately",
  info: "Notes",
};

/** The report as a person reads it: grouped by kind, one field per line, the reason indented. */
export function formatReport(report: readonly ReportEntry[]): string {
  if (report.length === 0) return "Every field translated exactly.\n";
  const lines: string[] = [];
  for (const kind of KIND_ORDER) {
    const entries = report.filter((e) => e.kind === kind);
    if (entries.length === 0) continue;
    if (lines.length > 0) lines.push("");
    lines.push(`${KIND_TITLE[kind]} (${entries.length}):`);
    for (const e of entries) {
      lines.push(`  ${e.path}`);
      lines.push(`      ${e.reason}`);
    }
  }
  return lines.join("\n") + "\n";
}
