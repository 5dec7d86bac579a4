// Reading and writing multi-document YAML, with the `yaml` library.

import { parseAllDocuments, stringify } from "yaml";
import type { Manifest } from "./k8s-types.js";

/**
 * Manifests from YAML text (documents separated by ---) or from objects. `kind: List`
 * objects are opened into their items, as kubectl does. Empty documents are skipped.
 */
export function readManifests(input: string | readonly object[]): Manifest[] {
  const objects = typeof input === "string" ? parseYaml(input) : [...input];
  const out: Manifest[] = [];
  objects.forEach((o, i) => {
    if (o === null || o === undefined) return;
    if (typeof o !== "object" || Array.isArray(o)) {
      throw new TypeError(`Invalid manifest #${i + 1}: expected an object with apiVersion and kind, found ${Array.isArray(o) ? "a list" : typeof o}`);
    }
    const m = o as Manifest;
    if (m.kind === "List" && Array.isArray(m.items)) out.push(...readManifests(m.items as object[]));
    else out.push(m);
  });
  return out;
}

function parseYaml(text: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (!("errors" in doc)) return []; // an empty stream
    const [error] = doc.errors;
    if (error) throw new SyntaxError(`Invalid YAML in document #${i + 1}: ${error.message}`);
    return [doc.toJS() as unknown];
  });
}

/** Manifests as one YAML stream, documents separated by ---. */
export function toYaml(manifests: readonly object[]): string {
  // Shared objects are written out in full: anchors and aliases would puzzle a reader of a manifest.
  return manifests.map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}
