// What a decision's deployment actions do to a service's deployments, pure: the executor applies
// it to the stored records, the simulator to its own, so both move deployments the same way.
// Launches, stops and events are the caller's (they need placement, tasks and event ids).
import type {
  CreateRollbackDeploymentAction,
  DeploymentStatus,
  FailureTracking,
  RolloutState,
  ServiceAction,
} from "./types.js";

/** The deployment fields the actions set; stored records and simulated ones both carry them. */
export interface UpdatableDeployment {
  id: string;
  status: DeploymentStatus;
  desiredCount: number;
  pendingCount?: number;
  runningCount?: number;
  failedTasks: number;
  rolloutState?: RolloutState;
  rolloutStateReason?: string;
  hadHealthyTask?: boolean;
  updatedAt?: number;
}

export interface DeploymentState<D> {
  /** PRIMARY and ACTIVE, newest first as ECS lists them. */
  deployments: D[];
  /** INACTIVE ones, newest first, at most maxPast. */
  past: D[];
  failureTracking: FailureTracking | undefined;
}

export interface DeploymentUpdateOptions<D> {
  /** The rollback deployment a createRollbackDeployment action makes (PRIMARY, IN_PROGRESS). */
  rollback(action: CreateRollbackDeploymentAction): D;
  maxPast: number;
}

/** Applies the deployment actions in order to copies of the deployments; the input is unchanged. */
export function applyDeploymentActions<D extends UpdatableDeployment>(
  state: DeploymentState<D>,
  actions: readonly ServiceAction[],
  now: number,
  options: DeploymentUpdateOptions<D>,
): DeploymentState<D> {
  let deployments = state.deployments.map((d) => ({ ...d }));
  let past = [...state.past];
  let failureTracking = state.failureTracking;
  const find = (id: string) => deployments.find((d) => d.id === id);
  for (const a of actions) {
    switch (a.kind) {
      case "setRolloutState": {
        const d = find(a.deploymentId);
        if (d) Object.assign(d, { rolloutState: a.rolloutState, rolloutStateReason: a.rolloutStateReason, updatedAt: now });
        break;
      }
      case "setDeploymentCounts": {
        const d = find(a.deploymentId);
        if (d) {
          Object.assign(d, {
            desiredCount: a.desiredCount,
            pendingCount: a.pendingCount,
            runningCount: a.runningCount,
            failedTasks: a.failedTasks,
            hadHealthyTask: a.hadHealthyTask,
          });
        }
        break;
      }
      case "setDeploymentStatus": {
        const d = find(a.deploymentId);
        if (!d) break;
        d.status = a.status;
        d.updatedAt = now;
        if (a.status === "INACTIVE") {
          deployments = deployments.filter((x) => x !== d);
          past = [d, ...past].slice(0, options.maxPast);
        }
        break;
      }
      case "createRollbackDeployment":
        deployments = [
          options.rollback(a),
          ...deployments.map((d) => (d.id === a.failedDeploymentId || d.status === "PRIMARY" ? { ...d, status: "ACTIVE" as const } : d)),
        ];
        break;
      case "setFailureTracking":
        failureTracking = a.tracking;
        break;
      default:
        break;
    }
  }
  return { deployments, past, failureTracking };
}
