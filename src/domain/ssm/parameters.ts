// Writing parameters: PutParameter (create, or a new version with Overwrite), DeleteParameter,
// DeleteParameters. One guarded store commit each; a SecureString's value is sealed before it
// is written, and no error here ever repeats a value.
import type { Scope } from "../../model/index.js";
import type { Op } from "../../store/index.js";
import { commit, guardOf, put } from "../deps.js";
import type { SecretDeps } from "../secrets/deps.js";
import { ssmErrors } from "./errors.js";
import { checkNewName, parseRef } from "./names.js";
import {
  DEFAULT_KEY_ID,
  MAX_TAGS,
  MAX_VERSIONS,
  ssmKeys,
  versionContext,
  type ParameterRecord,
  type ParameterTag,
  type ParameterTier,
  type ParameterType,
  type ParameterVersionRecord,
} from "./records.js";

interface PutInput {
  Name: string;
  Value: string;
  Type?: ParameterType;
  Description?: string;
  KeyId?: string;
  Overwrite?: boolean;
  AllowedPattern?: string;
  Tags?: ParameterTag[];
  Tier?: ParameterTier | "Intelligent-Tiering";
  Policies?: string;
  DataType?: string;
}

const DATA_TYPES = ["text", "aws:ec2:image", "aws:ssm:integration"];
const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;
const TIERS_DOC = "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html";

/**
 * The tier a write lands in. Intelligent-Tiering picks Standard when the value fits in 4 KB; an
 * Advanced parameter never goes back to Standard (the Tier reference: it would lose data).
 */
export function tierFor(requested: PutInput["Tier"], existing: ParameterTier | undefined, valueBytes: number): ParameterTier {
  if (requested === "Standard" && existing === "Advanced") {
    throw ssmErrors.validation(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  const tier: ParameterTier =
    requested === "Advanced" || existing === "Advanced" ? "Advanced" : requested === "Intelligent-Tiering" && valueBytes > STANDARD_MAX ? "Advanced" : "Standard";
  if (tier === "Standard" && valueBytes > STANDARD_MAX) {
    throw ssmErrors.validation(
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see ${TIERS_DOC}`,
    );
  }
  if (valueBytes > ADVANCED_MAX) throw ssmErrors.validation(`Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX} characters.`);
  return tier;
}

export function checkTags(tags: readonly ParameterTag[]): ParameterTag[] {
  const out: ParameterTag[] = [];
  for (const t of tags) {
    const same = out.find((o) => o.Key === t.Key);
    if (same) same.Value = t.Value;
    else out.push({ Key: t.Key, Value: t.Value });
  }
  if (out.length > MAX_TAGS) throw ssmErrors.tooManyTags(out.length, MAX_TAGS);
  return out;
}

function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw ssmErrors.badPattern(pattern);
  }
}

export async function putParameter(deps: SecretDeps, scope: Scope, input: PutInput) {
  const { name, key } = checkNewName(scope, input.Name);
  if (input.Value.length === 0) {
    throw ssmErrors.validation("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1.");
  }
  if (input.Overwrite && input.Tags !== undefined) {
    throw ssmErrors.validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  if (input.Policies !== undefined) throw ssmErrors.validation("berth does not support parameter policies (Policies).");
  if (input.DataType !== undefined && !DATA_TYPES.includes(input.DataType)) {
    throw ssmErrors.validation(`The following data type is not supported: ${input.DataType.slice(0, 128)} (Data type names are all lowercase.)`);
  }
  const tags = checkTags(input.Tags ?? []);
  const valueBytes = Buffer.byteLength(input.Value, "utf8");
  const paramKey = ssmKeys.parameter(scope, key);
  return commit(deps, () => {
    const existing = deps.cache.get<ParameterRecord>(paramKey);
    if (existing && !input.Overwrite) throw ssmErrors.alreadyExists();
    const type = input.Type ?? existing?.Type;
    if (!type) throw ssmErrors.validation("A parameter type is required when you create a parameter.");
    if (existing && type !== existing.Type) throw ssmErrors.typeMismatch(existing.Type, type);
    const dataType = input.DataType ?? existing?.DataType ?? "text";
    if (dataType !== "text" && type !== "String") throw ssmErrors.validation(`The data type ${dataType} is supported for String parameters only.`);
    const allowedPattern = input.AllowedPattern ?? existing?.AllowedPattern;
    if (allowedPattern !== undefined && !compilePattern(allowedPattern).test(input.Value)) throw ssmErrors.patternMismatch(allowedPattern);
    const tier = tierFor(input.Tier, existing?.Tier, valueBytes);
    const now = deps.clock.now();
    const version = (existing?.Version ?? 0) + 1;
    const description = input.Description ?? existing?.Description;
    const record: ParameterRecord = {
      // An overwrite keeps the name as it was created (with or without its leading slash).
      Name: existing?.Name ?? name,
      Type: type,
      Version: version,
      LastModifiedDate: now,
      Tier: tier,
      DataType: dataType,
      ...(description !== undefined ? { Description: description } : {}),
      ...(allowedPattern !== undefined ? { AllowedPattern: allowedPattern } : {}),
      ...(type === "SecureString" ? { KeyId: input.KeyId ?? existing?.KeyId ?? DEFAULT_KEY_ID } : {}),
      Tags: existing?.Tags ? [...existing.Tags] : tags,
    };
    const value = type === "SecureString" ? deps.vault.seal(Buffer.from(input.Value, "utf8"), versionContext(scope, key, version)) : input.Value;
    const versionRecord: ParameterVersionRecord = { Version: version, LastModifiedDate: now, value };
    const ops: Op[] = [put(paramKey, record), put(ssmKeys.version(scope, key, version), versionRecord)];
    // Past 100 versions the oldest goes (berth keeps no labels, which would pin it).
    if (version > MAX_VERSIONS) ops.push({ kind: "delete", key: ssmKeys.version(scope, key, version - MAX_VERSIONS) });
    return { guards: [guardOf(deps, paramKey)], ops, result: { Version: version, Tier: tier } };
  });
}

export async function deleteParameter(deps: SecretDeps, scope: Scope, input: { Name: string }) {
  const ref = parseRef(scope, input.Name, false);
  await commit(deps, () => {
    const paramKey = ssmKeys.parameter(scope, ref.key);
    if (ref.elsewhere || !deps.cache.get(paramKey)) throw ssmErrors.notFound(input.Name.trim());
    return { guards: [guardOf(deps, paramKey)], ops: deleteOps(scope, ref.key), result: undefined };
  });
  return {};
}

function deleteOps(scope: Scope, key: string): Op[] {
  return [
    { kind: "delete", key: ssmKeys.parameter(scope, key) },
    { kind: "deletePrefix", prefix: ssmKeys.versions(scope, key) },
  ];
}

export async function deleteParameters(deps: SecretDeps, scope: Scope, input: { Names: string[] }) {
  return commit(deps, () => {
    const deleted: string[] = [];
    const invalid: string[] = [];
    const keys = new Set<string>();
    for (const name of new Set(input.Names)) {
      let key: string;
      try {
        const ref = parseRef(scope, name, false);
        if (ref.elsewhere) throw ssmErrors.notFound(name);
        key = ref.key;
      } catch {
        invalid.push(name);
        continue;
      }
      if (!keys.has(key) && deps.cache.get(ssmKeys.parameter(scope, key))) {
        keys.add(key);
        deleted.push(name);
      } else invalid.push(name);
    }
    return {
      guards: [...keys].map((k) => guardOf(deps, ssmKeys.parameter(scope, k))),
      ops: [...keys].flatMap((k) => deleteOps(scope, k)),
      result: { DeletedParameters: deleted, InvalidParameters: invalid },
    };
  });
}
