// How many awsvpc tasks (ENIs) an instance can hold (ecs-behavior.md §7.1): its instance type's
// ENI limit minus the primary ENI, or with awsvpcTrunking (a trunk ENI attached at
// registration, attribute ecs.awsvpc-trunk-id) the type's branch ENIs. berth's agents are not
// EC2 instances and usually register no instance type: they get DEFAULT_ENI_LIMIT, and the
// attribute berth.eni-limit overrides any of these. Pure.

/** [without trunking, with trunking] per instance type, as ECS documents them. */
export const ENI_LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  "a1.medium": [1, 10],
  "c5.large": [2, 10],
  "c5.xlarge": [3, 20],
  "c5.2xlarge": [3, 40],
  "c5.4xlarge": [7, 60],
  "c5.12xlarge": [7, 60],
  "c5.24xlarge": [14, 120],
  "m5.large": [2, 10],
  "m5.xlarge": [3, 20],
  "m5.4xlarge": [7, 60],
  "m5.24xlarge": [14, 120],
  "m6g.medium": [1, 4],
  "r5.large": [2, 10],
};

/**
 * An agent with no known instance type: as many as ECS's largest instances take with trunking.
 * A host's task networks are bounded by its subnets' addresses, not by an ENI count.
 */
export const DEFAULT_ENI_LIMIT = 120;
export const ENI_LIMIT_ATTRIBUTE = "berth.eni-limit";
export const TRUNK_ATTRIBUTE = "ecs.awsvpc-trunk-id";

export function eniLimitOf(attributes: readonly { name?: string; value?: string }[]): number {
  const attr = (name: string) => attributes.find((a) => a.name === name)?.value;
  const override = attr(ENI_LIMIT_ATTRIBUTE);
  if (override !== undefined && /^\d+$/.test(override)) return Number(override);
  const type = attr("ecs.instance-type");
  const limits = type !== undefined ? ENI_LIMITS[type] : undefined;
  if (!limits) return DEFAULT_ENI_LIMIT;
  return attributes.some((a) => a.name === TRUNK_ATTRIBUTE) ? limits[1] : limits[0];
}
