import assert from "node:assert/strict";
import { test } from "node:test";
import { consoleChangeOf } from "./change-filter.js";

const scope = "/berth/000000000000/us-east-1/";

test("consoleChangeOf: the keys a page watching a cluster hears of, by name only", () => {
  const cases: [string, string | undefined, ReturnType<typeof consoleChangeOf>][] = [
    [`${scope}services/prod/web`, "prod", { kind: "service", name: "web" }],
    [`${scope}service-events/prod/web/0000012`, "prod", { kind: "service", name: "web" }],
    [`${scope}decisions/prod/web/0000003`, "prod", { kind: "service", name: "web" }],
    [`${scope}tasks/prod/0123abcd`, "prod", { kind: "task", name: "0123abcd" }],
    [`${scope}clusters/prod`, "prod", { kind: "cluster", name: "prod" }],
    // another cluster, a prefix of the name, another account or region, other kinds: nothing
    [`${scope}tasks/prod-2/0123abcd`, "prod", undefined],
    [`${scope}services/pro/web`, "prod", undefined],
    ["/berth/111111111111/us-east-1/services/prod/web", "prod", undefined],
    ["/berth/000000000000/eu-west-1/services/prod/web", "prod", undefined],
    [`${scope}taskdefs/web/0000001`, "prod", undefined],
    [`${scope}instances/prod/i-1`, "prod", undefined],
    [`${scope}services/prod`, "prod", undefined],
    // the cluster list hears of a cluster when anything in it changes (the counts)
    [`${scope}clusters/prod`, undefined, { kind: "cluster", name: "prod" }],
    [`${scope}services/prod/web`, undefined, { kind: "cluster", name: "prod" }],
    [`${scope}tasks/prod/0123abcd`, undefined, { kind: "cluster", name: "prod" }],
  ];
  for (const [key, cluster, want] of cases) assert.deepEqual(consoleChangeOf(key, scope, cluster), want, `${key} watching ${cluster}`);
});
