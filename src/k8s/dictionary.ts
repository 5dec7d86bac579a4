// Looking up the dictionary: `berth explain maxSurge`, `berth explain TaskDefinition`.

import { ENTRIES, type DictionaryEntry } from "./dictionary-entries.js";

export type { DictionaryEntry } from "./dictionary-entries.js";

/** Case, spaces and punctuation do not matter: "kube-scheduler" = "Kube Scheduler" = "kubescheduler". */
function normalize(term: string): string {
  return term.toLowerCase().replace(/[^a-z0-9:]/g, "");
}

const INDEX: ReadonlyMap<string, DictionaryEntry> = (() => {
  const index = new Map<string, DictionaryEntry>();
  for (const entry of ENTRIES) {
    for (const word of [entry.id, ...entry.aliases]) {
      const key = normalize(word);
      const taken = index.get(key);
      if (taken && taken !== entry) {
        throw new Error(`Dictionary alias '${word}' of entry '${entry.id}' is already used by entry '${taken.id}'`);
      }
      index.set(key, entry);
    }
  }
  return index;
})();

/** The entry for a word from either side, or undefined. "Service" and "Deployment" name both meanings. */
export function explainTerm(term: string): DictionaryEntry | undefined {
  return INDEX.get(normalize(term));
}

/** Every entry, in the dictionary's order. */
export function dictionaryEntries(): readonly DictionaryEntry[] {
  return ENTRIES;
}

/** An entry as a person reads it in a terminal. */
export function formatEntry(entry: DictionaryEntry): string {
  const lines = [`${entry.kubernetes}  ↔  ${entry.ecs}`, "", wrap(entry.summary), "", wrap(entry.explanation)];
  if (entry.differences.length > 0) {
    lines.push("", "Where they differ:");
    for (const d of entry.differences) lines.push(wrap(`- ${d}`, "  "));
  }
  if (entry.translation) lines.push("", "How berth translates it:", wrap(entry.translation, "  ", "  "));
  if (entry.seeAlso?.length) {
    const names = entry.seeAlso.map((id) => ENTRIES.find((e) => e.id === id)).filter((e): e is DictionaryEntry => e !== undefined);
    lines.push("", "See also:");
    for (const e of names) lines.push(`  ${e.kubernetes} ↔ ${e.ecs}`);
  }
  return lines.join("\n") + "\n";
}

function wrap(text: string, indent = "", first = "", width = 96): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = first;
  for (const w of words) {
    if (line.trim().length > 0 && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent + w;
    } else {
      line = line.trim().length > 0 ? `${line} ${w}` : `${line}${w}`;
    }
  }
  if (line.trim().length > 0) lines.push(line);
  return lines.join("\n");
}
