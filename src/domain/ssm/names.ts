// Parameter names, pure: the rules of "Requirements and constraints for parameter names" and
// how a name, an ARN or a `name:selector` finds a parameter. A parameter is stored under its
// key, the name without a leading slash: `/TestParam1` and `TestParam1` are the same parameter
// (the guide says they are not unique), and `/Dev/App/db` has the key `Dev/App/db`, which is
// also what follows `parameter/` in its ARN.
import type { Scope } from "../../model/index.js";
import { ssmErrors } from "./errors.js";

/** A hierarchy has at most 15 levels: `/L1/…/L14/name` is the deepest name. */
export const MAX_LEVELS = 15;
/** The name and the ARN before it fit in 1011 characters (PutParameter's Name reference). */
export const MAX_ARN_AND_NAME = 1011;

const CHARS = /^[A-Za-z0-9_.\-/]+$/;

export interface ParameterName {
  /** The name as the parameter keeps it. */
  name: string;
  /** The store key: the name without its leading slash. */
  key: string;
}

export const parameterArn = (s: Scope, key: string) => `arn:${s.partition ?? "aws"}:ssm:${s.region}:${s.accountId}:parameter/${key}`;

/** A new parameter's name (PutParameter): every rule; throws SSM's error for the first broken. */
export function checkNewName(scope: Scope, raw: string): ParameterName {
  const name = raw.trim();
  checkChars(name);
  const hierarchical = name.slice(1).includes("/");
  if (hierarchical && !name.startsWith("/")) throw ssmErrors.validation("Parameter name must be a fully qualified name.");
  const segments = (name.startsWith("/") ? name.slice(1) : name).split("/");
  if (segments.some((s) => s === "")) throw ssmErrors.badName();
  if (segments.length > MAX_LEVELS) {
    throw ssmErrors.hierarchyLevels(`A hierarchy can have a maximum of ${MAX_LEVELS} levels; '${name.slice(0, 300)}' has ${segments.length}.`);
  }
  const first = segments[0]!.toLowerCase();
  if (first.startsWith("aws") || first.startsWith("ssm")) {
    if (!hierarchical) throw ssmErrors.validation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
    if (first.startsWith("aws")) throw ssmErrors.accessDenied(`No access to reserved parameter name: ${name.slice(0, 300)}.`);
    throw ssmErrors.badName();
  }
  const key = segments.join("/");
  const arnLength = parameterArn(scope, key).length;
  if (arnLength > MAX_ARN_AND_NAME) {
    throw ssmErrors.validation(`Parameter name is too long: with its ARN it has ${arnLength} characters, at most ${MAX_ARN_AND_NAME} are allowed.`);
  }
  return { name, key };
}

export interface ParameterRef {
  key: string;
  /** `:3` or `:label` after the name, as GetParameter's Selector reports it. */
  selector?: string;
  /** Set when the reference was an ARN of another account or Region: it finds nothing here. */
  elsewhere?: { accountId: string; region: string };
}

/**
 * A name or ARN a read or delete names, with an optional `:version` / `:label` selector
 * (`allowSelector`). Names of the wrong characters are SSM's ValidationException; an ARN that
 * is not a parameter's is one too.
 */
export function parseRef(scope: Scope, raw: string, allowSelector: boolean): ParameterRef {
  let text = raw.trim();
  let elsewhere: ParameterRef["elsewhere"];
  if (text.startsWith("arn:")) {
    const parts = text.split(":");
    const resource = parts.slice(5).join(":");
    if (parts.length < 6 || parts[2] !== "ssm" || !resource.startsWith("parameter/")) {
      throw ssmErrors.validation(`'${text.slice(0, 300)}' is not a parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>).`);
    }
    if (parts[3] !== scope.region || parts[4] !== scope.accountId) elsewhere = { accountId: parts[4]!, region: parts[3]! };
    text = resource.slice("parameter/".length);
  }
  let selector: string | undefined;
  const colon = text.indexOf(":");
  if (colon >= 0) {
    if (!allowSelector) throw ssmErrors.badName();
    selector = text.slice(colon);
    text = text.slice(0, colon);
    if (selector.length < 2) throw ssmErrors.badName();
  }
  checkChars(text);
  const key = text.startsWith("/") ? text.slice(1) : text;
  if (key === "") throw ssmErrors.badName();
  return { key, ...(selector !== undefined ? { selector } : {}), ...(elsewhere ? { elsewhere } : {}) };
}

/** A GetParametersByPath / DescribeParameters path: `/`, or `/a/b` (a trailing slash is dropped). */
export function parsePath(raw: string): { prefix: string } {
  const path = raw.trim();
  if (!path.startsWith("/")) {
    throw ssmErrors.validation(
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.',
    );
  }
  checkChars(path);
  const inner = path.slice(1).replace(/\/$/, "");
  if (inner === "") return { prefix: "" };
  const segments = inner.split("/");
  if (segments.some((s) => s === "")) throw ssmErrors.badName();
  if (segments.length > MAX_LEVELS) throw ssmErrors.hierarchyLevels(`A hierarchy can have a maximum of ${MAX_LEVELS} levels; '${path.slice(0, 300)}' has ${segments.length}.`);
  return { prefix: `${inner}/` };
}

/** Whether `key` lies under the path `prefix` (from parsePath): directly, or at any depth. */
export function underPath(key: string, prefix: string, recursive: boolean): boolean {
  if (!key.startsWith(prefix) || key.length === prefix.length) return false;
  return recursive || !key.slice(prefix.length).includes("/");
}

function checkChars(name: string): void {
  if (!CHARS.test(name)) throw ssmErrors.badName();
}
