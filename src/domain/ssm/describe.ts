// DescribeParameters: parameters' metadata (never a value), filtered by ParameterFilters or
// the older Filters, one page at a time in key order.
import type { Scope } from "../../model/index.js";
import type { SecretDeps } from "../secrets/deps.js";
import { pageAfter } from "../secrets/paging.js";
import { ssmErrors } from "./errors.js";
import { checkStringFilters, fromLegacyFilters, matchesStringFilters, type StringFilter } from "./filters.js";
import { parameterArn } from "./names.js";
import { ssmKeys, type ParameterRecord } from "./records.js";

interface DescribeInput {
  Filters?: { Key: string; Values: string[] }[];
  ParameterFilters?: StringFilter[];
  MaxResults?: number;
  NextToken?: string;
  Shared?: boolean;
}

export function describeParameters(deps: SecretDeps, scope: Scope, input: DescribeInput) {
  if (input.Filters?.length && input.ParameterFilters?.length) throw ssmErrors.validation("You can use either Filters or ParameterFilters in a single request.");
  const filters = input.ParameterFilters ?? fromLegacyFilters(input.Filters ?? []);
  checkStringFilters(filters, "DescribeParameters");
  const root = ssmKeys.parameters(scope);
  // Nothing is shared with this account in berth: Shared lists no parameters.
  const found = input.Shared
    ? []
    : deps.cache
        .listEntries<ParameterRecord>(root)
        .map((e) => ({ key: e.key.slice(root.length), record: e.value }))
        .filter((p) => matchesStringFilters(p.key, p.record, filters));
  const page = pageAfter(found, (p) => p.key, { token: input.NextToken, size: input.MaxResults ?? 50 }, ssmErrors.badToken);
  return {
    Parameters: page.items.map(({ key, record }) => ({
      Name: record.Name,
      ARN: parameterArn(scope, key),
      Type: record.Type,
      ...(record.KeyId !== undefined ? { KeyId: record.KeyId } : {}),
      LastModifiedDate: record.LastModifiedDate,
      ...(record.Description !== undefined ? { Description: record.Description } : {}),
      ...(record.AllowedPattern !== undefined ? { AllowedPattern: record.AllowedPattern } : {}),
      Version: record.Version,
      Tier: record.Tier,
      Policies: [],
      DataType: record.DataType,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
