// berth's own operations, beside ECS's on the same port under their own target prefix. The
// model is small and written by hand in the same form as the generated ECS model, so the same
// validation and serialization apply.
import type { ApiModel } from "../protocol/shape.js";
import { validateRequestModel } from "./validate-request.js";

export const BERTH_TARGET_PREFIX = "Berth_20261128";

export const berthModel: ApiModel = {
  targetPrefix: BERTH_TARGET_PREFIX,
  signingName: "berth",
  operations: {
    ...validateRequestModel.operations,
    DescribeServiceDecisions: {
      input: "DescribeServiceDecisionsRequest",
      output: "DescribeServiceDecisionsResponse",
      errors: ["ClusterNotFoundException", "ServiceNotFoundException", "InvalidParameterException"],
    },
    GetTaskLogs: {
      input: "GetTaskLogsRequest",
      output: "GetTaskLogsResponse",
      errors: ["ClusterNotFoundException", "InvalidParameterException", "TargetNotConnectedException", "ResourceNotFoundException", "ServerException"],
    },
  },
  shapes: {
    ...validateRequestModel.shapes,
    String: { type: "string" },
    BoxedInteger: { type: "integer", min: 1, max: 50 },
    DescribeServiceDecisionsRequest: {
      type: "structure",
      required: ["service"],
      members: { cluster: "String", service: "String", maxResults: "BoxedInteger" },
    },
    Document: { type: "structure", document: true },
    DecisionList: { type: "list", member: "Document" },
    DescribeServiceDecisionsResponse: {
      type: "structure",
      members: { serviceArn: "String", decisions: "DecisionList" },
    },
    StringList: { type: "list", member: "String" },
    Boolean: { type: "boolean" },
    Timestamp: { type: "timestamp" },
    LogTail: { type: "integer", min: 0, max: 10_000 },
    LogLimit: { type: "integer", min: 1, max: 10_000 },
    /** As SQS's WaitTimeSeconds: a long poll of at most 20 s. */
    LogWaitSeconds: { type: "integer", min: 0, max: 20 },
    GetTaskLogsRequest: {
      type: "structure",
      required: ["task"],
      members: {
        cluster: "String",
        task: "String",
        containers: "StringList",
        startTime: "Timestamp",
        tail: "LogTail",
        limit: "LogLimit",
        nextToken: "String",
        waitSeconds: "LogWaitSeconds",
      },
    },
    TaskLogEvent: {
      type: "structure",
      members: { container: "String", stream: "String", timestamp: "Timestamp", message: "String" },
    },
    TaskLogEventList: { type: "list", member: "TaskLogEvent" },
    MissingTaskLog: { type: "structure", members: { container: "String", reason: "String" } },
    MissingTaskLogList: { type: "list", member: "MissingTaskLog" },
    GetTaskLogsResponse: {
      type: "structure",
      members: {
        taskArn: "String",
        events: "TaskLogEventList",
        nextToken: "String",
        more: "Boolean",
        ended: "Boolean",
        missing: "MissingTaskLogList",
      },
    },
  },
};
