// Where pods may run (Kubernetes) → where tasks may run (ECS).
//
//   nodeSelector, required node affinity → memberOf constraints (task definition: they are
//       part of the pod spec, and a task definition may carry memberOf)
//   required pod anti-affinity to its own pods on kubernetes.io/hostname → distinctInstance
//   topologySpreadConstraints → spread strategies (service), in the same order
//
// ECS constraints are hard like Kubernetes' required rules; ECS strategies are soft like
// ScheduleAnyway. Preferred (soft) affinities have no ECS form: strategies rank instances by
// spread/binpack/random, not by labels.

import type { PlacementConstraint, PlacementStrategy, TaskDefinitionPlacementConstraint } from "@aws-sdk/client-ecs";
import type { Labels, PodSpec } from "./k8s-types.js";
import { topologyKeyToSpreadField } from "./node-labels.js";
import { nodeSelectorToExpression, nodeTermsToExpression } from "./query-language.js";
import type { Reporter } from "./report.js";

export interface Placement {
  taskConstraints: TaskDefinitionPlacementConstraint[];
  serviceConstraints: PlacementConstraint[];
  strategies: PlacementStrategy[];
}

/** `r` is positioned at the pod spec; `podLabels` are the template's labels. */
export function placementToEcs(spec: PodSpec, podLabels: Labels, r: Reporter): Placement {
  const out: Placement = { taskConstraints: [], serviceConstraints: [], strategies: [] };

  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0) {
    out.taskConstraints.push({ type: "memberOf", expression: nodeSelectorToExpression(spec.nodeSelector) });
    customAttributesNote(Object.keys(spec.nodeSelector), r.child("nodeSelector"));
  }

  const na = spec.affinity?.nodeAffinity;
  const ar = r.child("affinity.nodeAffinity");
  const terms = na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length > 0) {
    const tr = ar.child("requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
    const written = nodeTermsToExpression(terms);
    for (const s of written.skipped) tr.unmapped(`[${s.term}].matchExpressions[${s.index}]`, s.reason);
    terms.forEach((t, i) => {
      if (t.matchFields?.length) tr.unmapped(`[${i}].matchFields`, "matchFields selects nodes by name; ECS instances are chosen by attributes (ec2InstanceId is not a node name)");
    });
    if (written.expression) {
      out.taskConstraints.push({ type: "memberOf", expression: written.expression });
      customAttributesNote(terms.flatMap((t) => (t.matchExpressions ?? []).map((e) => e.key)), tr);
    }
  }
  if (na?.preferredDuringSchedulingIgnoredDuringExecution?.length) {
    ar.unmapped("preferredDuringSchedulingIgnoredDuringExecution", "ECS constraints are hard and its strategies rank by spread, binpack or random, not by label preference");
  }

  const anti = spec.affinity?.podAntiAffinity;
  const xr = r.child("affinity.podAntiAffinity");
  (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
    const selfSelecting = Object.entries(term.labelSelector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v) &&
      !term.labelSelector?.matchExpressions?.length && Object.keys(term.labelSelector?.matchLabels ?? {}).length > 0;
    if (term.topologyKey === "kubernetes.io/hostname" && selfSelecting) {
      if (!out.serviceConstraints.some((c) => c.type === "distinctInstance")) out.serviceConstraints.push({ type: "distinctInstance" });
      xr.info(`requiredDuringSchedulingIgnoredDuringExecution[${i}]`, "anti-affinity to the workload's own pods per hostname became the service's distinctInstance constraint");
    } else {
      xr.unmapped(
        `requiredDuringSchedulingIgnoredDuringExecution[${i}]`,
        "only anti-affinity to the workload's own pods per hostname has an ECS form (distinctInstance); task:group expressions are not derived from other selectors or topology keys",
      );
    }
  });
  if (anti?.preferredDuringSchedulingIgnoredDuringExecution?.length) {
    xr.unmapped("preferredDuringSchedulingIgnoredDuringExecution", "ECS has no soft anti-affinity; a spread strategy on instanceId is the nearest (add a topologySpreadConstraint on kubernetes.io/hostname)");
  }
  if (spec.affinity?.podAffinity) {
    r.unmapped("affinity.podAffinity", "co-location with other pods would be a memberOf 'task:group == service:NAME' constraint; it is not derived from label selectors");
  }

  (spec.topologySpreadConstraints ?? []).forEach((t, i) => {
    const tr = r.child(`topologySpreadConstraints[${i}]`);
    const field = topologyKeyToSpreadField(t.topologyKey);
    out.strategies.push({ type: "spread", field });
    if ((t.whenUnsatisfiable ?? "DoNotSchedule") === "DoNotSchedule") {
      tr.approximated("whenUnsatisfiable", `spread by ${field}: ECS spreads as a preference and still places a task when the spread cannot be kept; Kubernetes' DoNotSchedule leaves the pod pending`);
    }
    if ((t.maxSkew ?? 1) !== 1) tr.approximated("maxSkew", `ECS spreads as evenly as it can (a skew of 1 when possible); it has no maxSkew of ${t.maxSkew}`);
    for (const f of ["minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy", "matchLabelKeys"]) {
      if (t[f] !== undefined) tr.unmapped(f, "ECS's spread strategy has no such setting");
    }
  });
  if (out.strategies.length > 5) {
    r.unmapped("topologySpreadConstraints", `ECS allows 5 placement strategies; found ${out.strategies.length}, the rest are left out`);
    out.strategies.length = 5;
  }
  return out;
}

function customAttributesNote(keys: readonly string[], r: Reporter): void {
  const builtIn = ["kubernetes.io/arch", "kubernetes.io/os", "node.kubernetes.io/instance-type", "topology.kubernetes.io/zone",
    "beta.kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/instance-type", "failure-domain.beta.kubernetes.io/zone"];
  const custom = [...new Set(keys.filter((k) => !builtIn.includes(k)))];
  if (custom.length > 0) {
    r.info("", `custom attribute${custom.length > 1 ? "s" : ""} ${custom.join(", ")}: set ${custom.length > 1 ? "them" : "it"} on container instances (PutAttributes) as the nodes were labelled`);
  }
}
