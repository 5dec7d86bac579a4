// Parameter Store's exceptions, with AWS's wording where it is known (the SSM API reference,
// recorded responses). None of them ever carries a parameter's value.
import { EcsError, type EcsErrorType } from "../../model/index.js";

const ssmError = (type: EcsErrorType, message: string) => new EcsError(type, message);

/** The text AWS answers for a name of the wrong characters, an empty level or a reserved prefix. */
const BAD_NAME =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

export const ssmErrors = {
  validation: (message: string) => ssmError("ValidationException", message),
  badName: () => ssmError("ValidationException", BAD_NAME),
  accessDenied: (message: string) => ssmError("AccessDeniedException", message),
  hierarchyLevels: (message: string) => ssmError("HierarchyLevelLimitExceededException", message),
  notFound: (name: string) => ssmError("ParameterNotFound", `Parameter ${name.slice(0, 1100)} not found.`),
  versionNotFound: (name: string, selector: string) => {
    const what = /^:\d+$/.test(selector) ? `version ${selector.slice(1)}` : `label ${selector.slice(1)}`;
    return ssmError("ParameterVersionNotFound", `Systems Manager could not find ${what} of ${name}. Verify the ${what.split(" ")[0]} and try again.`);
  },
  alreadyExists: () => ssmError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."),
  typeMismatch: (from: string, to: string) =>
    ssmError(
      "HierarchyTypeMismatchException",
      `Parameter Store doesn't support changing a parameter type in a hierarchy (from ${from} to ${to}). You must create a new, unique parameter.`,
    ),
  patternMismatch: (pattern: string) => ssmError("ParameterPatternMismatchException", `Parameter value, cannot be validated against allowedPattern: ${pattern}`),
  badPattern: (pattern: string) => ssmError("InvalidAllowedPatternException", `The allowed pattern ${pattern.slice(0, 200)} is not a valid regular expression.`),
  /** A SecureString that does not open with this data directory's key (berth's KMS stand-in). */
  undecryptable: (name: string) =>
    ssmError("InvalidKeyId", `Parameter ${name} cannot be decrypted: it was encrypted with another data directory's key (secrets.key).`),
  badToken: () => ssmError("InvalidNextToken", "The specified token isn't valid."),
  filterKey: (key: string, op: string) => ssmError("InvalidFilterKey", `The filter key ${key.slice(0, 140)} isn't valid for ${op}.`),
  filterOption: (message: string) => ssmError("InvalidFilterOption", message),
  filterValue: (message: string) => ssmError("InvalidFilterValue", message),
  resourceType: (type: string) => ssmError("InvalidResourceType", `The resource type ${type} isn't valid here: berth's Systems Manager holds parameters only.`),
  resourceId: (id: string) => ssmError("InvalidResourceId", `The resource ID isn't valid: no parameter ${id.slice(0, 1100)}. Verify that you entered the correct ID and try again.`),
  tooManyTags: (count: number, max: number) => ssmError("TooManyTagsError", `A parameter can have at most ${max} tags; this would make ${count}.`),
};
