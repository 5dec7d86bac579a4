import assert from "node:assert/strict";
import { test } from "node:test";
import { efsModel } from "../../api/efs/model.generated.js";
import { actionFor, operationsOf, requestResources, type AuthScope } from "./actions.js";

const scope: AuthScope = { accountId: "123456789012", region: "us-east-1" };
const arn = (r: string) => `arn:aws:elasticfilesystem:us-east-1:123456789012:${r}`;

test("EFS actions: every operation berth answers has its action, named after it", () => {
  for (const op of Object.keys(efsModel.operations)) assert.equal(actionFor("elasticfilesystem", op), `elasticfilesystem:${op}`);
  assert.deepEqual(operationsOf("elasticfilesystem"), Object.keys(efsModel.operations).sort());
});

test("EFS actions: the resources each request acts on", () => {
  const fs = "fs-0123456789abcdef0";
  const table: [string, Record<string, unknown>, string[], Record<string, unknown>?][] = [
    ["CreateFileSystem", { CreationToken: "t", Encrypted: true, Tags: [{ Key: "team", Value: "a" }] }, [arn("file-system/*")], { "elasticfilesystem:Encrypted": "true", "aws:RequestTag/team": "a" }],
    ["DescribeFileSystems", {}, ["*"]],
    ["DescribeFileSystems", { FileSystemId: fs }, [arn(`file-system/${fs}`)]],
    ["DeleteFileSystem", { FileSystemId: arn(`file-system/${fs}`) }, [arn(`file-system/${fs}`)]],
    ["CreateAccessPoint", { FileSystemId: fs }, [arn(`file-system/${fs}`)]],
    ["DeleteAccessPoint", { AccessPointId: "fsap-1" }, [arn("access-point/fsap-1")]],
    ["DescribeMountTargets", { AccessPointId: "fsap-1" }, [arn("access-point/fsap-1")]],
    ["CreateMountTarget", { FileSystemId: fs, SubnetId: "subnet-1" }, [arn(`file-system/${fs}`)]],
    ["DeleteMountTarget", { MountTargetId: "fsmt-1" }, [arn("file-system/*")]],
  ];
  for (const [op, input, resources, context] of table) {
    const got = requestResources("elasticfilesystem", op, input, scope);
    assert.deepEqual(got.resources, resources, op);
    for (const [k, v] of Object.entries(context ?? {})) assert.deepEqual(got.context[k], v, `${op} ${k}`);
  }
});
