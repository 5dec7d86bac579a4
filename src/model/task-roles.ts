// Which of a task's roles its agent must hold sessions of, shared by the control plane (which
// assumes them) and the agent (which waits for them before creating containers). Pure.
import type { AssignedTask, RoleType } from "./agent-protocol.js";

export interface RoleNeed {
  roleType: RoleType;
  roleArn: string;
}

/**
 * The task role whenever the task has one (its containers read it through the credentials
 * endpoint); the execution role only when the agent has something to do with it — resolving
 * `secrets` — as ECS on EC2 vends it only for what needs it (berth pulls images and keeps logs
 * without AWS credentials). So a definition copied from AWS that names an execution role only
 * for ECR and awslogs runs without that role existing in berth.
 */
export function rolesNeeded(task: Pick<AssignedTask, "taskRoleArn" | "executionRoleArn" | "containers">): RoleNeed[] {
  const out: RoleNeed[] = [];
  if (task.taskRoleArn) out.push({ roleType: "TaskApplication", roleArn: task.taskRoleArn });
  // The execution role reads secrets and (ECS's awslogs on Fargate) writes awslogs streams.
  if (task.executionRoleArn && task.containers.some((c) => hasSecrets(c.definition) || logsToAwslogs(c.definition))) {
    out.push({ roleType: "TaskExecution", roleArn: task.executionRoleArn });
  }
  return out;
}

/** `secrets` only: logConfiguration.secretOptions feed a log driver, and berth's agents run none that reads them. */
export function hasSecrets(definition: Record<string, unknown>): boolean {
  return Array.isArray(definition.secrets) && definition.secrets.length > 0;
}

/** The container's log driver is awslogs: the agent ships its output as the execution role. */
export function logsToAwslogs(definition: Record<string, unknown>): boolean {
  const log = definition.logConfiguration as Record<string, unknown> | undefined;
  return log?.logDriver === "awslogs";
}
