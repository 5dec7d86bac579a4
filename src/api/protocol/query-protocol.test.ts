import assert from "node:assert/strict";
import { test } from "node:test";
import { AwsError } from "../../model/index.js";
import { parseQueryInput } from "./query-input.js";
import type { QueryModel } from "./query-shape.js";
import { renderQueryError, renderQueryOutput } from "./query-xml.js";

// One model in both dialects: a structure with a list of structures, a flattened list, a map.
const shapes: QueryModel["shapes"] = {
  In: {
    type: "structure",
    required: ["Name"],
    members: {
      Name: { shape: "S" },
      Count: { shape: "I" },
      On: { shape: "B", locationName: "on" },
      Filters: { shape: "Filters", locationName: "Filter" },
      Ids: { shape: "Ids", flattened: true },
      Attrs: { shape: "Attrs" },
    },
  },
  Filters: { type: "list", member: { shape: "Filter", locationName: "Filter" } },
  Filter: { type: "structure", members: { Name: { shape: "S" }, Values: { shape: "Ids", locationName: "Value" } } },
  Ids: { type: "list", member: { shape: "S", locationName: "item" } },
  Attrs: { type: "map", key: { shape: "S" }, value: { shape: "S" } },
  Out: { type: "structure", members: { Items: { shape: "Items", locationName: "itemSet" }, Ok: { shape: "B", locationName: "ok" }, At: { shape: "T", locationName: "at" } } },
  Items: { type: "list", member: { shape: "Item", locationName: "item" } },
  Item: { type: "structure", members: { Id: { shape: "S", locationName: "id" } } },
  S: { type: "string" },
  I: { type: "integer" },
  B: { type: "boolean" },
  T: { type: "timestamp" },
};
const model = (protocol: "ec2" | "query"): QueryModel => ({
  protocol,
  apiVersion: "2016-11-15",
  signingName: "x",
  xmlNamespace: "http://x.example/doc/2016-11-15",
  operations: { Op: { input: "In", output: "Out" } },
  shapes,
});
const codes = { missing: "MissingParameter", invalid: "InvalidParameterValue", unknown: "UnknownParameter" };
const params = (o: Record<string, string>) => new Map(Object.entries(o));

test("parseQueryInput reads each dialect's names for members, lists and maps", () => {
  const table: [string, "ec2" | "query", Record<string, string>, unknown][] = [
    [
      "ec2: Name.N lists, capitalized locationName",
      "ec2",
      { Action: "Op", Name: "a", Count: "3", On: "true", "Filter.1.Name": "vpc-id", "Filter.1.Value.1": "v1", "Filter.1.Value.2": "v2", "Ids.2": "y", "Ids.1": "x" },
      { Name: "a", Count: 3, On: true, Filters: [{ Name: "vpc-id", Values: ["v1", "v2"] }], Ids: ["x", "y"] },
    ],
    [
      "query: Name.member.N unless flattened, maps as entry.N.key/value",
      "query",
      { Name: "a", on: "false", "Filter.Filter.1.Name": "n", "Filter.Filter.1.Value.item.1": "v", "Ids.1": "x", "Attrs.entry.1.key": "k", "Attrs.entry.1.value": "v" },
      { Name: "a", On: false, Filters: [{ Name: "n", Values: ["v"] }], Ids: ["x"], Attrs: { k: "v" } },
    ],
    ["query: an empty list is sent as the bare name", "query", { Name: "a", "Filter.Filter": "" }, { Name: "a", Filters: [] }],
  ];
  for (const [name, protocol, p, want] of table) assert.deepEqual(parseQueryInput(model(protocol), "In", params(p), codes), want, name);
});

test("parseQueryInput refuses missing, malformed and unknown parameters with the service's codes", () => {
  const table: [Record<string, string>, string, RegExp][] = [
    [{}, "MissingParameter", /parameter Name/],
    [{ Name: "a", Count: "3.5" }, "InvalidParameterValue", /Count: expected an integer/],
    [{ Name: "a", On: "yes" }, "InvalidParameterValue", /On: expected true or false/],
    [{ Name: "a", Colour: "red" }, "UnknownParameter", /The parameter Colour is not recognized/],
  ];
  for (const [p, code, message] of table) {
    assert.throws(
      () => parseQueryInput(model("ec2"), "In", params(p), codes),
      (err: unknown) => err instanceof AwsError && err.code === code && message.test(err.message),
      JSON.stringify(p),
    );
  }
});

test("parseQueryInput checks the model's min/max only when the service asks (ELBv2's ValidationError)", () => {
  const bounded: QueryModel = {
    ...model("query"),
    shapes: { ...shapes, In: { type: "structure", members: { Port: { shape: "P" }, Name: { shape: "N" }, Ids: { shape: "Ids" } } }, P: { type: "integer", min: 1, max: 65535 }, N: { type: "string", max: 3 }, Ids: { type: "list", member: { shape: "S" }, max: 1 } },
  };
  const strict = { ...codes, constraint: "ValidationError" };
  const table: [Record<string, string>, string | undefined][] = [
    [{ Port: "80", Name: "abc", "Ids.member.1": "x" }, undefined],
    [{ Port: "0" }, "1 validation error detected: Value '0' at 'Port' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    [{ Port: "65536" }, "1 validation error detected: Value '65536' at 'Port' failed to satisfy constraint: Member must have value less than or equal to 65535"],
    [{ Name: "abcd" }, "1 validation error detected: Value 'abcd' at 'Name' failed to satisfy constraint: Member must have length less than or equal to 3"],
    [{ "Ids.member.1": "x", "Ids.member.2": "y" }, "1 validation error detected: 'Ids' failed to satisfy constraint: Member must have length less than or equal to 1"],
  ];
  for (const [p, message] of table) {
    if (!message) {
      assert.doesNotThrow(() => parseQueryInput(bounded, "In", params(p), strict));
      continue;
    }
    assert.throws(() => parseQueryInput(bounded, "In", params(p), strict), (err: unknown) => err instanceof AwsError && err.code === "ValidationError" && err.message === message, JSON.stringify(p));
    // Without the constraint code (EC2), the same input passes.
    assert.doesNotThrow(() => parseQueryInput(bounded, "In", params(p), codes));
  }
});

test("renderQueryOutput wraps lists in their item element and writes each dialect's envelope", () => {
  const out = { Items: [{ Id: "a<b" }], Ok: true, At: Date.UTC(2026, 0, 2), Internal: "never shown" };
  assert.equal(
    renderQueryOutput(model("ec2"), "Op", out, "r1"),
    '<?xml version="1.0" encoding="UTF-8"?>\n<OpResponse xmlns="http://x.example/doc/2016-11-15/"><requestId>r1</requestId><itemSet><item><id>a&lt;b</id></item></itemSet><ok>true</ok><at>2026-01-02T00:00:00.000Z</at></OpResponse>',
  );
  assert.match(renderQueryOutput(model("query"), "Op", out, "r1"), /<OpResponse xmlns="[^"]+"><OpResult><itemSet>.*<\/OpResult><ResponseMetadata><RequestId>r1<\/RequestId><\/ResponseMetadata><\/OpResponse>$/);
  assert.match(renderQueryError(model("ec2"), "InvalidVpcID.NotFound", "no 'x'", "r1", true), /<Response><Errors><Error><Code>InvalidVpcID\.NotFound<\/Code><Message>no &apos;x&apos;<\/Message><\/Error><\/Errors><RequestID>r1<\/RequestID><\/Response>$/);
  assert.match(renderQueryError(model("query"), "ValidationError", "bad", "r1", true), /<ErrorResponse><Error><Type>Sender<\/Type><Code>ValidationError<\/Code>/);
});
