import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatReport, Reporter } from "./report.js";

describe("Reporter", () => {
  it("builds paths and field names from nested segments", () => {
    const r = new Reporter("Deployment/web");
    const c = r.child("spec.template.spec").child("initContainers[0]");
    c.approximated("", "became a dependsOn SUCCESS container");
    c.unmapped("lifecycle", "no hooks");
    r.child("metadata.labels").unmapped('["example.com/owner"]', "too long");
    assert.deepEqual(r.entries, [
      { path: "Deployment/web.spec.template.spec.initContainers[0]", field: "initContainers", reason: "became a dependsOn SUCCESS container", kind: "approximated" },
      { path: "Deployment/web.spec.template.spec.initContainers[0].lifecycle", field: "lifecycle", reason: "no hooks", kind: "unmapped" },
      { path: 'Deployment/web.metadata.labels["example.com/owner"]', field: "example.com/owner", reason: "too long", kind: "unmapped" },
    ]);
  });
});

describe("formatReport", () => {
  it("groups by kind, unmapped first", () => {
    const r = new Reporter("Pod/p");
    r.info("spec", "a note");
    r.unmapped("spec.tolerations", "no taints");
    assert.equal(
      formatReport(r.entries),
      ["Not translated (1):", "  Pod/p.spec.tolerations", "      no taints", "", "Notes (1):", "  Pod/p.spec", "      a note", ""].join("\n"),
    );
  });
  it("says so when everything translated", () => {
    assert.equal(formatReport([]), "Every field translated exactly.\n");
  });
});
