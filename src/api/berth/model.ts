// berth's own operations, beside ECS's on the same port under their own target prefix. The
// model is small and written by hand in the same form as the generated ECS model, so the same
// validation and serialization apply.
import type { ApiModel } from "../protocol/shape.js";

export const BERTH_TARGET_PREFIX = "Berth_20261128";

export const berthModel: ApiModel = {
  targetPrefix: BERTH_TARGET_PREFIX,
  signingName: "berth",
  operations: {
    DescribeServiceDecisions: {
      input: "DescribeServiceDecisionsRequest",
      output: "DescribeServiceDecisionsResponse",
      errors: ["ClusterNotFoundException", "ServiceNotFoundException", "InvalidParameterException"],
    },
  },
  shapes: {
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
  },
};
