// What the store holds for each resource: the ECS API's own shapes (from the AWS SDK's types),
// with timestamps as epoch milliseconds instead of Date objects. Counters that ECS computes
// (running tasks, registered instances, ...) are not stored; they are derived on read.
import type {
  Attribute,
  CapacityProvider,
  Cluster,
  ContainerInstance,
  Setting,
  Tag,
  TaskDefinition,
} from "@aws-sdk/client-ecs";

/**
 * The SDK's shape with every Date as epoch milliseconds and enums widened to string (records are
 * checked against the model at the API edge, not by the compiler), as stored and returned.
 */
export type Stored<T> = T extends Date
  ? number
  : T extends string
    ? string
  : T extends (infer U)[]
    ? Stored<U>[]
    : T extends object
      ? { [K in keyof T]: Stored<T[K]> }
      : T;

export type ClusterRecord = Stored<Cluster> & { clusterName: string; clusterArn: string; status: string; createdAt: number };

export type TaskDefinitionRecord = Stored<TaskDefinition> & {
  family: string;
  revision: number;
  taskDefinitionArn: string;
  status: "ACTIVE" | "INACTIVE" | "DELETE_IN_PROGRESS";
  tags?: Tag[];
};

export interface FamilyRecord {
  family: string;
  /** The highest revision ever registered: revisions are never reused. */
  lastRevision: number;
}

export type ContainerInstanceRecord = Stored<ContainerInstance> & {
  containerInstanceArn: string;
  clusterName: string;
  id: string;
  status: string;
  attributes: Attribute[];
  /** ENIs its awsvpc tasks hold (task-enis.ts): taken at launch, given back at STOPPED. */
  enisInUse?: number;
};

export type CapacityProviderRecord = Stored<CapacityProvider> & { name: string; capacityProviderArn: string };

export type AccountSettingRecord = Stored<Setting> & { name: string; value: string; principalArn: string };
