// The WAITING column of `berth get services`: for each service not at steady state, the reason
// its PRIMARY deployment is not done (see wait-reason.ts). Steady services cost no extra call.
import type { Service } from "@aws-sdk/client-ecs";
import type { CliContext } from "./context.js";
import { mapLimit } from "./resources.js";
import { primaryOf } from "./rollout-progress.js";
import { WaitObserver } from "./wait-observe.js";
import { isSteady, waitReason } from "./wait-reason.js";

/** Reasons by the Service object they were computed for: the API objects stay as ECS sent them (-o json). */
const reasons = new WeakMap<Service, string>();
/** One observer per command, so `get services -w` remembers stopped tasks between polls. */
const observers = new WeakMap<CliContext, WaitObserver>();

export function waitingOf(svc: Service): string {
  return reasons.get(svc) ?? "";
}

export async function annotateWaiting(ctx: CliContext, services: readonly Service[]): Promise<void> {
  let observer = observers.get(ctx);
  if (!observer) observers.set(ctx, (observer = new WaitObserver(ctx)));
  const moving = services.filter((svc) => svc.status === "ACTIVE" && !isSteady(svc));
  await mapLimit(moving, 4, async (svc) => {
    const id = primaryOf(svc)?.id;
    if (!id) return;
    // A reason is a help: a service whose tasks cannot be read still gets its row.
    const observation = await observer.observe(svc, id).catch(() => undefined);
    if (observation) reasons.set(svc, waitReason(observation).text);
  });
}
