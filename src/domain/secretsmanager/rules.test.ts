// Table tests of Secrets Manager's pure rules: how staging labels move when a version is
// added, and which secrets ListSecrets' filters keep.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchesFilters, type SecretFilter } from "./filters.js";
import type { SecretRecord } from "./records.js";
import { addVersion } from "./stages.js";

type Versions = SecretRecord["versions"];
const v = (id: string, ...stages: string[]) => ({ id, stages, created: 0 });
const labels = (versions: Versions) => Object.fromEntries(versions.map((x) => [x.id, x.stages.join(",")]));

describe("addVersion", () => {
  const cases: { name: string; before: Versions; requested?: string[]; max?: number; want: Record<string, string>; stages: string; dropped?: string[] }[] = [
    { name: "the first version is AWSCURRENT", before: [], want: { n: "AWSCURRENT" }, stages: "AWSCURRENT" },
    { name: "the first version gets AWSCURRENT even with other labels", before: [], requested: ["blue"], want: { n: "blue,AWSCURRENT" }, stages: "blue,AWSCURRENT" },
    { name: "AWSCURRENT moves, the old current becomes AWSPREVIOUS", before: [v("a", "AWSCURRENT")], want: { a: "AWSPREVIOUS", n: "AWSCURRENT" }, stages: "AWSCURRENT" },
    {
      name: "AWSPREVIOUS leaves the version that had it",
      before: [v("a", "AWSPREVIOUS"), v("b", "AWSCURRENT")],
      want: { a: "", b: "AWSPREVIOUS", n: "AWSCURRENT" },
      stages: "AWSCURRENT",
    },
    {
      name: "a custom label moves without touching AWSCURRENT",
      before: [v("a", "AWSCURRENT", "blue")],
      requested: ["blue"],
      want: { a: "AWSCURRENT", n: "blue" },
      stages: "blue",
    },
    {
      name: "AWSPENDING beside AWSCURRENT stays where it is",
      before: [v("a", "AWSCURRENT"), v("b", "AWSPENDING")],
      want: { a: "AWSPREVIOUS", b: "AWSPENDING", n: "AWSCURRENT" },
      stages: "AWSCURRENT",
    },
    {
      name: "past the cap the oldest unlabelled version goes",
      before: [v("a"), v("b"), v("c", "AWSPREVIOUS"), v("d", "AWSCURRENT")],
      max: 4,
      want: { b: "", c: "", d: "AWSPREVIOUS", n: "AWSCURRENT" },
      stages: "AWSCURRENT",
      dropped: ["a"],
    },
    {
      name: "labelled versions are never dropped, even past the cap",
      before: [v("a", "x"), v("b", "AWSCURRENT")],
      requested: ["y"],
      max: 2,
      want: { a: "x", b: "AWSCURRENT", n: "y" },
      stages: "y",
    },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const added = addVersion(t.before, "n", 1, t.requested, t.max);
      assert.deepEqual(labels(added.versions), t.want);
      assert.equal(added.stages.join(","), t.stages);
      assert.deepEqual(added.dropped, t.dropped ?? []);
    });
  }
});

describe("matchesFilters", () => {
  const rec: SecretRecord = {
    ARN: "arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf",
    Name: "prod/db",
    Description: "Main Database password",
    Tags: [{ Key: "team", Value: "payments" }],
    CreatedDate: 0,
    LastChangedDate: 0,
    versions: [],
  };
  const f = (Key: SecretFilter["Key"], ...Values: string[]): SecretFilter => ({ Key, Values });
  const cases: { name: string; filters: SecretFilter[]; want: boolean }[] = [
    { name: "no filters keep everything", filters: [], want: true },
    { name: "name is a prefix match", filters: [f("name", "prod/")], want: true },
    { name: "name is case-sensitive", filters: [f("name", "Prod/")], want: false },
    { name: "description is a case-insensitive prefix match", filters: [f("description", "main data")], want: true },
    { name: "tag-key prefix", filters: [f("tag-key", "te")], want: true },
    { name: "tag-key that is not there", filters: [f("tag-key", "owner")], want: false },
    { name: "tag-value prefix", filters: [f("tag-value", "pay")], want: true },
    { name: "values of one filter are alternatives", filters: [f("name", "dev/", "prod/")], want: true },
    { name: "filters all apply", filters: [f("name", "prod/"), f("tag-key", "owner")], want: false },
    { name: "! negates", filters: [f("name", "!dev/")], want: true },
    { name: "! negates a match", filters: [f("name", "!prod")], want: false },
    { name: "all: every word somewhere, any case", filters: [f("all", "DATABASE payments")], want: true },
    { name: "all: a word found nowhere", filters: [f("all", "database staging")], want: false },
    { name: "primary-region is the secret's own Region", filters: [f("primary-region", "us-east")], want: true },
    { name: "owning-service: none in berth", filters: [f("owning-service", "rds")], want: false },
  ];
  for (const t of cases) it(t.name, () => assert.equal(matchesFilters(rec, "us-east-1", t.filters), t.want));
});
