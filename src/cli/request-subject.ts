// ECS's errors about a task definition do not say which one ("Unable to describe task
// definition.", "TaskDefinition is inactive"), though the request does. The CLI's ECS client
// keeps the request's reference on the error, so the error line can name it (errors.ts).
import type { ECSClient } from "@aws-sdk/client-ecs";

/** The property of an API error that holds the request's `taskDefinition`, when it had one. */
export const TASK_DEFINITION_OF_REQUEST = "berthTaskDefinition";

export function keepTaskDefinitionOnErrors(ecs: ECSClient): void {
  ecs.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const ref = (args.input as { taskDefinition?: unknown }).taskDefinition;
        if (typeof ref === "string" && err !== null && typeof err === "object") Object.assign(err, { [TASK_DEFINITION_OF_REQUEST]: ref });
        throw err;
      }
    },
    { step: "initialize", name: "berthTaskDefinitionOnErrors" },
  );
}
