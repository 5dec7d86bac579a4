import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderTable, type Column } from "./table.js";

describe("renderTable", () => {
  const columns: Column<{ name: string; why: string }>[] = [
    { header: "NAME", value: (r) => r.name },
    { header: "WAITING", value: (r) => r.why, fit: true },
  ];
  const rows = [
    { name: "web", why: "no health check: counted healthy 40 s after RUNNING (in 12s)" },
    { name: "api", why: "" },
  ];
  it("cuts a fitting last column to the width, keeping the others whole", () => {
    const lines = renderTable(columns, rows, { width: 40 });
    assert.deepEqual(lines, ["NAME   WAITING", "web    no health check: counted health…", "api"]);
    assert.ok(lines.every((l) => l.length <= 39));
  });
  it("leaves it whole without a width (a pipe)", () => {
    assert.equal(renderTable(columns, rows)[1], `web    ${rows[0]!.why}`);
  });
});
