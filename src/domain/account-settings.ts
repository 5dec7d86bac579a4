// Account settings: a value per principal overrides the account's default, which overrides
// AWS's default (ecs-behavior.md §1.9). berth has one principal per account for now: the root.
import { invalidParameter, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import type { AccountSettingRecord } from "./records.js";

/** The setting names, their allowed values and AWS's defaults today. */
const SETTINGS: Record<string, { values: string[]; aws: string; fixed?: boolean }> = {
  // Long ARN formats can no longer be turned off (ecs-behavior.md §1.1).
  serviceLongArnFormat: { values: ["enabled"], aws: "enabled", fixed: true },
  taskLongArnFormat: { values: ["enabled"], aws: "enabled", fixed: true },
  containerInstanceLongArnFormat: { values: ["enabled"], aws: "enabled", fixed: true },
  awsvpcTrunking: { values: ["enabled", "disabled"], aws: "disabled" },
  containerInsights: { values: ["enabled", "disabled", "enhanced"], aws: "disabled" },
  dualStackIPv6: { values: ["enabled", "disabled"], aws: "disabled" },
  fargateFIPSMode: { values: ["enabled", "disabled"], aws: "disabled" },
  tagResourceAuthorization: { values: ["on", "off"], aws: "on" },
  fargateTaskRetirementWaitPeriod: { values: ["0", "7", "14"], aws: "7" },
  guardDutyActivate: { values: ["on", "off"], aws: "off" },
  defaultLogDriverMode: { values: ["blocking", "non-blocking"], aws: "non-blocking" },
  fargateEventWindows: { values: ["enabled", "disabled"], aws: "disabled" },
};

const DEFAULT_PRINCIPAL = "default";

export const rootPrincipal = (scope: Scope) => `arn:aws:iam::${scope.accountId}:root`;

function validate(name: string, value?: string): void {
  const spec = SETTINGS[name];
  if (!spec) throw invalidParameter(`Invalid parameter 'name': '${name}' is not an account setting.`);
  if (value === undefined) return;
  if (spec.fixed && value !== "enabled") {
    throw invalidParameter(`Invalid parameter 'value': ${name} can no longer be disabled; the only value is 'enabled'.`);
  }
  if (!spec.values.includes(value)) {
    throw invalidParameter(`Invalid parameter 'value': '${value}' is not valid for ${name}; use one of ${spec.values.join(", ")}.`);
  }
}

/** The value in force for a principal: its own, else the account default, else AWS's. */
export function effectiveSetting(deps: Deps, scope: Scope, name: string, principal = rootPrincipal(scope)): string | undefined {
  const own = deps.cache.get<AccountSettingRecord>(keys.accountSetting(scope, principal, name));
  if (own) return own.value;
  const dflt = deps.cache.get<AccountSettingRecord>(keys.accountSetting(scope, DEFAULT_PRINCIPAL, name));
  return dflt?.value ?? SETTINGS[name]?.aws;
}

export async function putAccountSetting(deps: Deps, scope: Scope, input: { name: string; value: string; principalArn?: string }) {
  validate(input.name, input.value);
  const principal = input.principalArn ?? rootPrincipal(scope);
  const setting = await write(deps, scope, principal, input.name, input.value, "user");
  return { setting: { ...setting, principalArn: principal } };
}

export async function putAccountSettingDefault(deps: Deps, scope: Scope, input: { name: string; value: string }) {
  validate(input.name, input.value);
  const setting = await write(deps, scope, DEFAULT_PRINCIPAL, input.name, input.value, "user");
  return { setting: { ...setting, principalArn: rootPrincipal(scope) } };
}

async function write(deps: Deps, scope: Scope, principal: string, name: string, value: string, type: string) {
  const key = keys.accountSetting(scope, principal, name);
  const rec: AccountSettingRecord = { name, value, principalArn: principal, type };
  return commit(deps, () => ({ guards: [guardOf(deps, key)], ops: [put(key, rec)], result: rec }));
}

export async function deleteAccountSetting(deps: Deps, scope: Scope, input: { name: string; principalArn?: string }) {
  validate(input.name);
  const principal = input.principalArn ?? rootPrincipal(scope);
  const key = keys.accountSetting(scope, principal, input.name);
  return commit(deps, () => {
    const current = deps.cache.get<AccountSettingRecord>(key);
    // Deleting restores the next value in line; the answer shows the setting as it was.
    const shown = { name: input.name, value: current?.value ?? effectiveSetting(deps, scope, input.name, principal), principalArn: principal };
    if (!current) return { guards: [], ops: [], result: { setting: shown } };
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete" as const, key }], result: { setting: shown } };
  });
}

export function listAccountSettings(
  deps: Deps,
  scope: Scope,
  input: PageRequest & { name?: string; value?: string; principalArn?: string; effectiveSettings?: boolean },
) {
  if (input.name !== undefined) validate(input.name);
  if (input.value !== undefined && input.name === undefined) {
    throw invalidParameter("Invalid parameter 'value': filtering by value needs a 'name' as well.");
  }
  const principal = input.principalArn ?? rootPrincipal(scope);
  const names = input.name ? [input.name] : Object.keys(SETTINGS).sort();
  const rows: { name: string; value: string; principalArn: string; type: string }[] = [];
  for (const name of names) {
    const own = deps.cache.get<AccountSettingRecord>(keys.accountSetting(scope, principal, name));
    if (own) rows.push({ name, value: own.value, principalArn: principal, type: "user" });
    else if (input.effectiveSettings) {
      const dflt = deps.cache.get<AccountSettingRecord>(keys.accountSetting(scope, DEFAULT_PRINCIPAL, name));
      // Only settings AWS manages for the customer are aws_managed (ECS: guardDutyActivate alone);
      // defaults of the others read as the user's.
      rows.push({ name, value: dflt?.value ?? SETTINGS[name]!.aws, principalArn: principal, type: name === "guardDutyActivate" ? "aws_managed" : "user" });
    }
  }
  const filtered = input.value === undefined ? rows : rows.filter((r) => r.value === input.value);
  const page = paginate(filtered, (r) => r.name, input, { default: 10, max: 10 });
  return { settings: page.items, nextToken: page.nextToken };
}
