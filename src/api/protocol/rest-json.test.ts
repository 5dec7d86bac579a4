import assert from "node:assert/strict";
import { test } from "node:test";
import { efsModel } from "../efs/model.generated.js";
import { restJsonInput, routeRestJson } from "./rest-json.js";
import { validateInput } from "./validate.js";

test("routeRestJson: method and path pick the operation and its labels", () => {
  const table: [string, string, [string, string][], string | undefined, Record<string, string>?][] = [
    ["POST", "/2015-02-01/file-systems", [], "CreateFileSystem", {}],
    ["GET", "/2015-02-01/file-systems", [["FileSystemId", "fs-1"]], "DescribeFileSystems", {}],
    ["DELETE", "/2015-02-01/file-systems/fs-0123456789abcdef0", [], "DeleteFileSystem", { FileSystemId: "fs-0123456789abcdef0" }],
    ["DELETE", "/2015-02-01/access-points/fsap-1%2F2", [], "DeleteAccessPoint", { AccessPointId: "fsap-1/2" }],
    ["GET", "/2015-02-01/mount-targets", [], "DescribeMountTargets", {}],
    ["PUT", "/2015-02-01/file-systems", [], undefined],
    ["DELETE", "/2015-02-01/file-systems", [], undefined],
    ["DELETE", "/2015-02-01/file-systems/fs-1/extra", [], undefined],
    ["GET", "/", [], undefined],
  ];
  for (const [method, path, query, operation, labels] of table) {
    const got = routeRestJson(efsModel, method, path, query);
    assert.equal(got?.operation, operation, `${method} ${path}`);
    if (labels) assert.deepEqual(got?.labels, labels, `${method} ${path} labels`);
  }
});

test("restJsonInput: members come from labels, the query string (typed) and the body; validation names them", () => {
  const table: [string, string, Parameters<typeof restJsonInput>[2], unknown][] = [
    [
      "query members are typed by the model",
      "DescribeFileSystems",
      { labels: {}, query: [["MaxItems", "5"], ["Marker", "fs-1"]], headers: {}, body: {} },
      { MaxItems: 5, Marker: "fs-1" },
    ],
    ["a label", "DeleteFileSystem", { labels: { FileSystemId: "fs-1" }, query: [], headers: {}, body: {} }, { FileSystemId: "fs-1" }],
    [
      "a located member is never read from the body",
      "DeleteFileSystem",
      { labels: { FileSystemId: "fs-1" }, query: [], headers: {}, body: { FileSystemId: "fs-2" } },
      { FileSystemId: "fs-1" },
    ],
    ["body members", "CreateFileSystem", { labels: {}, query: [], headers: {}, body: { CreationToken: "t", Encrypted: true, Junk: 1 } }, { CreationToken: "t", Encrypted: true }],
    ["a number that is not one stays text", "DescribeFileSystems", { labels: {}, query: [["MaxItems", "lots"]], headers: {}, body: {} }, { MaxItems: "lots" }],
  ];
  for (const [name, op, req, want] of table) assert.deepEqual(restJsonInput(efsModel, op, req), want, name);

  const bad = validateInput(efsModel, "DescribeFileSystemsRequest", restJsonInput(efsModel, "DescribeFileSystems", { labels: {}, query: [["MaxItems", "lots"]], headers: {}, body: {} }));
  assert.ok(!bad.ok && /MaxItems/.test(bad.problem.message));
  const missing = validateInput(efsModel, "CreateFileSystemRequest", restJsonInput(efsModel, "CreateFileSystem", { labels: {}, query: [], headers: {}, body: {} }));
  assert.ok(!missing.ok && /CreationToken/.test(missing.problem.message));
});
