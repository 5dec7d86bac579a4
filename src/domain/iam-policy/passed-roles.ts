// The roles an ECS request hands to ECS (iam:PassRole, aws-neighbors.md §3): the task role and
// the execution role a registration names, those of the task definition a task, service or task
// set will run (and a RunTask/StartTask override's), and CreateService's service-linked `role`.
// The caller must be allowed iam:PassRole on each, with iam:PassedToService naming the service
// principal the role goes to — as ECS refuses a RegisterTaskDefinition or RunTask whose caller
// may not pass the role. Pure: the task definition's roles come through the lookup.

export interface PassedRole {
  roleArn: string;
  /** The iam:PassedToService condition key's value. */
  passedToService: string;
}

export interface TaskDefinitionRoles {
  taskRoleArn?: string;
  executionRoleArn?: string;
}

const TASKS = "ecs-tasks.amazonaws.com";
const ECS = "ecs.amazonaws.com";

type Input = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

/** A role named by ARN or by name (ECS takes both for task and execution roles) as its ARN. */
export function roleArnOf(ref: string, accountId: string): string {
  return ref.startsWith("arn:") ? ref : `arn:aws:iam::${accountId}:role/${ref.replace(/^\/+/, "")}`;
}

/**
 * What `operation` of ECS passes, given its input. `definitionRoles` reads the roles of the task
 * definition a reference (family, family:revision or ARN) stands for; undefined when there is
 * none (the operation then fails on its own, with ECS's error for the reference).
 */
export function passedRoles(
  operation: string,
  input: unknown,
  accountId: string,
  definitionRoles: (ref: string) => TaskDefinitionRoles | undefined,
): PassedRole[] {
  const i = (typeof input === "object" && input !== null ? input : {}) as Input;
  const refs: (string | undefined)[] = [];
  const toEcs: (string | undefined)[] = [];
  const ofDefinition = (ref: unknown) => {
    const r = str(ref) ? definitionRoles(ref as string) : undefined;
    if (r) refs.push(r.taskRoleArn, r.executionRoleArn);
  };
  switch (operation) {
    case "RegisterTaskDefinition":
      refs.push(str(i.taskRoleArn), str(i.executionRoleArn));
      break;
    case "RunTask":
    case "StartTask": {
      const o = (typeof i.overrides === "object" && i.overrides !== null ? i.overrides : {}) as Input;
      // An override replaces the definition's role: the definition's is then not passed.
      const r = str(i.taskDefinition) ? definitionRoles(i.taskDefinition as string) : undefined;
      refs.push(str(o.taskRoleArn) ?? r?.taskRoleArn, str(o.executionRoleArn) ?? r?.executionRoleArn);
      break;
    }
    case "CreateService":
      ofDefinition(i.taskDefinition);
      toEcs.push(str(i.role));
      break;
    case "UpdateService":
    case "CreateTaskSet":
      ofDefinition(i.taskDefinition);
      break;
  }
  const out: PassedRole[] = [];
  const add = (ref: string | undefined, passedToService: string) => {
    if (!ref) return;
    const roleArn = roleArnOf(ref, accountId);
    if (!out.some((p) => p.roleArn === roleArn && p.passedToService === passedToService)) out.push({ roleArn, passedToService });
  };
  for (const r of refs) add(r, TASKS);
  for (const r of toEcs) add(r, ECS);
  return out;
}
