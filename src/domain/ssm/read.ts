// Reading parameters: GetParameter, GetParameters, GetParametersByPath, and readParameter,
// which the task-start resolver shares. A SecureString's value is opened only WithDecryption;
// otherwise the caller gets its ciphertext (base64), as SSM hands out the KMS ciphertext.
import type { Scope } from "../../model/index.js";
import type { SecretDeps } from "../secrets/deps.js";
import { pageAfter } from "../secrets/paging.js";
import { VaultError } from "../secrets/vault.js";
import { ssmErrors } from "./errors.js";
import { parameterArn, parsePath, parseRef, underPath } from "./names.js";
import { ssmKeys, versionContext, type ParameterRecord, type ParameterVersionRecord } from "./records.js";
import { checkStringFilters, matchesStringFilters, type StringFilter } from "./filters.js";

export interface ReadParameter {
  record: ParameterRecord;
  key: string;
  version: ParameterVersionRecord;
  selector?: string;
}

/** The parameter (at its selector's version) a name or ARN names; throws SSM's errors. */
export function readParameter(deps: SecretDeps, scope: Scope, nameOrArn: string): ReadParameter {
  const ref = parseRef(scope, nameOrArn, true);
  const label = nameOrArn.trim().replace(/:[^:/]*$/, "");
  const record = ref.elsewhere ? undefined : deps.cache.get<ParameterRecord>(ssmKeys.parameter(scope, ref.key));
  if (!record) throw ssmErrors.notFound(ref.selector ? label : nameOrArn.trim());
  let number = record.Version;
  if (ref.selector !== undefined) {
    // Labels are not kept by berth, so a label selector finds no version.
    if (!/^:\d+$/.test(ref.selector)) throw ssmErrors.versionNotFound(record.Name, ref.selector);
    number = Number(ref.selector.slice(1));
  }
  const version = deps.cache.get<ParameterVersionRecord>(ssmKeys.version(scope, ref.key, number));
  if (!version) throw ssmErrors.versionNotFound(record.Name, ref.selector ?? `:${number}`);
  return { record, key: ref.key, version, ...(ref.selector !== undefined ? { selector: ref.selector } : {}) };
}

/** The value as the caller may see it: plaintext, or a SecureString's ciphertext unless decrypting. */
export function valueOf(deps: SecretDeps, scope: Scope, read: ReadParameter, withDecryption: boolean): string {
  if (read.record.Type !== "SecureString") return read.version.value;
  if (!withDecryption) return deps.vault.ciphertext(read.version.value);
  try {
    return deps.vault.open(read.version.value, versionContext(scope, read.key, read.version.Version)).toString("utf8");
  } catch (err) {
    if (err instanceof VaultError) throw ssmErrors.undecryptable(read.record.Name);
    throw err;
  }
}

function view(deps: SecretDeps, scope: Scope, read: ReadParameter, withDecryption: boolean) {
  return {
    Name: read.record.Name,
    Type: read.record.Type,
    Value: valueOf(deps, scope, read, withDecryption),
    Version: read.version.Version,
    ...(read.selector !== undefined ? { Selector: read.selector } : {}),
    LastModifiedDate: read.version.LastModifiedDate,
    ARN: parameterArn(scope, read.key),
    DataType: read.record.DataType,
  };
}

export function getParameter(deps: SecretDeps, scope: Scope, input: { Name: string; WithDecryption?: boolean }) {
  return { Parameter: view(deps, scope, readParameter(deps, scope, input.Name), input.WithDecryption === true) };
}

export function getParameters(deps: SecretDeps, scope: Scope, input: { Names: string[]; WithDecryption?: boolean }) {
  const parameters = [];
  const invalid: string[] = [];
  for (const name of new Set(input.Names)) {
    try {
      parameters.push(view(deps, scope, readParameter(deps, scope, name), input.WithDecryption === true));
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type !== "ParameterNotFound" && type !== "ParameterVersionNotFound") throw err;
      invalid.push(name);
    }
  }
  return { Parameters: parameters, InvalidParameters: invalid };
}

interface ByPathInput {
  Path: string;
  Recursive?: boolean;
  ParameterFilters?: StringFilter[];
  WithDecryption?: boolean;
  MaxResults?: number;
  NextToken?: string;
}

export function getParametersByPath(deps: SecretDeps, scope: Scope, input: ByPathInput) {
  const { prefix } = parsePath(input.Path);
  const filters = input.ParameterFilters ?? [];
  checkStringFilters(filters, "GetParametersByPath");
  const root = ssmKeys.parameters(scope);
  const found = deps.cache
    .listEntries<ParameterRecord>(root + prefix)
    .map((e) => ({ key: e.key.slice(root.length), record: e.value }))
    .filter((p) => underPath(p.key, prefix, input.Recursive === true) && matchesStringFilters(p.key, p.record, filters));
  const page = pageAfter(found, (p) => p.key, { token: input.NextToken, size: input.MaxResults ?? 10 }, ssmErrors.badToken);
  const parameters = page.items.map((p) => {
    const version = deps.cache.get<ParameterVersionRecord>(ssmKeys.version(scope, p.key, p.record.Version))!;
    return view(deps, scope, { record: p.record, key: p.key, version }, input.WithDecryption === true);
  });
  return { Parameters: parameters, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}
