// Dictionary entries for the fields the translator maps, field by field.

import type { DictionaryEntry } from "./dictionary-types.js";

export const FIELD_ENTRIES: readonly DictionaryEntry[] = [
  {
    id: "daemonset-daemon",
    kubernetes: "DaemonSet",
    ecs: "DAEMON scheduling strategy",
    aliases: ["DaemonSet", "DaemonSets", "DAEMON", "daemon service", "schedulingStrategy"],
    summary: "One copy on every eligible machine.",
    explanation:
      "A service with schedulingStrategy DAEMON runs exactly one task on each active container instance that meets its constraints, as a DaemonSet runs one pod per matching node. New instances get the task; draining ones lose it.",
    differences: [
      "A DAEMON service replaces a task by stopping it first: maximumPercent must be 100, so there is no maxSurge.",
      "DAEMON is not available on Fargate, and it takes no placement strategies.",
      "A DaemonSet's absolute maxUnavailable is a count of nodes; ECS needs a percent of instances, so the translation needs the node count.",
    ],
    translation: "DaemonSet → CreateService with schedulingStrategy DAEMON; maxUnavailable p% → minimumHealthyPercent 100 − p.",
    seeAlso: ["max-unavailable"],
  },
  {
    id: "node-selector-member-of",
    kubernetes: "nodeSelector / node affinity",
    ecs: "memberOf constraint (cluster query language)",
    aliases: ["nodeSelector", "node selector", "nodeAffinity", "node affinity", "memberOf", "cluster query language", "requiredDuringSchedulingIgnoredDuringExecution"],
    summary: "Hard rules about which machines may run the workload.",
    explanation:
      "A memberOf constraint is an expression over instance attributes, e.g. `attribute:ecs.instance-type in [m7g.large, m7g.xlarge] and attribute:stack == prod`. A nodeSelector (an AND of equalities) and required node affinity (an OR of terms, each an AND of In, NotIn, Exists, DoesNotExist) both write as one.",
    differences: [
      "Preferred (soft) node affinity has no ECS form.",
      "Node affinity's Gt and Lt have no form for attributes; the query language's regex matches (=~) and task:group subjects have no node-label form.",
      "memberOf can also select by the tasks already on an instance (task:group), which Kubernetes does with pod affinity.",
    ],
    translation: "Well-known labels map to built-in attributes (kubernetes.io/arch → ecs.cpu-architecture with amd64 → x86_64, kubernetes.io/os → ecs.os-type, node.kubernetes.io/instance-type → ecs.instance-type, topology.kubernetes.io/zone → ecs.availability-zone); others to custom attributes of the same name.",
    seeAlso: ["node-container-instance", "scheduler-placement"],
  },
  {
    id: "topology-spread",
    kubernetes: "topologySpreadConstraints",
    ecs: "spread placement strategy",
    aliases: ["topologySpreadConstraints", "topology spread", "spread", "maxSkew", "spread strategy"],
    summary: "Spreading copies evenly across zones or machines.",
    explanation:
      "A spread strategy places each new task where the fewest tasks of the same service run, by a field: instanceId or an attribute such as ecs.availability-zone. Several strategies apply in order, each breaking the previous one's ties. An ECS service with no strategy spreads by availability zone.",
    differences: [
      "ECS strategies are soft, like whenUnsatisfiable: ScheduleAnyway; DoNotSchedule has no ECS form.",
      "ECS has no maxSkew; it spreads as evenly as it can.",
    ],
    translation: "Each constraint → a spread strategy (topology.kubernetes.io/zone → attribute:ecs.availability-zone, kubernetes.io/hostname → instanceId), in order.",
  },
  {
    id: "pod-anti-affinity",
    kubernetes: "podAntiAffinity (own pods, per hostname)",
    ecs: "distinctInstance constraint",
    aliases: ["podAntiAffinity", "pod anti-affinity", "anti-affinity", "distinctInstance", "podAffinity", "pod affinity", "task:group"],
    summary: "Never two copies on one machine.",
    explanation:
      "distinctInstance places each task of a group on a different instance — the same as required anti-affinity to the workload's own pods with topologyKey kubernetes.io/hostname. Affinity to other workloads is a memberOf expression on task:group (for example `task:group == service:cache`).",
    differences: ["Anti-affinity across zones or to other workloads' labels has no direct ECS form."],
  },
  {
    id: "node-pool-capacity-provider",
    kubernetes: "node pool / node group",
    ecs: "capacity provider (Fargate, Auto Scaling group, External)",
    aliases: ["node pool", "node group", "capacity provider", "capacityProviderStrategy", "launch type", "launchType", "ECS Anywhere", "EXTERNAL"],
    summary: "Which kind of capacity the workload runs on.",
    explanation:
      "ECS first chooses capacity (a capacity provider strategy: base and weights across providers such as FARGATE, FARGATE_SPOT or an Auto Scaling group; or a launch type), then places the task inside it. Kubernetes does this with node pools and node selection; a cluster autoscaler plays the part of managed scaling.",
    differences: ["On Fargate there are no instances: no placement strategies or constraints, and networking is always awsvpc."],
    seeAlso: ["scheduler-placement"],
  },
  {
    id: "probes-health-check",
    kubernetes: "livenessProbe / readinessProbe",
    ecs: "healthCheck (container) + target group health check",
    aliases: ["probe", "probes", "livenessProbe", "liveness", "readinessProbe", "readiness", "startupProbe", "healthCheck", "health check", "HEALTHY"],
    summary: "How the platform decides a copy is alive and ready.",
    explanation:
      "An ECS container health check runs a command in the container (CMD or CMD-SHELL) every interval (5–300 s, default 30) with a timeout (2–60 s, default 5) and a number of retries (1–10, default 3), after an optional startPeriod. ECS uses its verdict both as liveness (an UNHEALTHY task is replaced) and as readiness (only healthy tasks count toward minimumHealthyPercent). HTTP checks belong to the load balancer's target group.",
    differences: [
      "ECS cannot probe a URL from the agent: an httpGet probe becomes a target group health check.",
      "ECS has no startup probe; startPeriod (failures do not count during it) is the nearest.",
      "Kubernetes' defaults differ (period 10 s, timeout 1 s): the translation writes values explicitly.",
    ],
    translation: "An exec liveness probe (else readiness) → healthCheck: periodSeconds → interval, timeoutSeconds → timeout, failureThreshold → retries, initialDelaySeconds → startPeriod; [\"/bin/sh\", \"-c\", X] ↔ [\"CMD-SHELL\", X].",
  },
  {
    id: "init-containers-depends-on",
    kubernetes: "initContainers / sidecar containers",
    ecs: "dependsOn (SUCCESS, START) with essential: false",
    aliases: ["initContainers", "init container", "init containers", "sidecar", "dependsOn", "essential", "container dependency"],
    summary: "Containers that run before, or beside, the main one.",
    explanation:
      "ECS orders containers with dependsOn: a container waits for another to START, to COMPLETE (exit), to exit with SUCCESS (code 0), or to be HEALTHY. An init container is a non-essential container the next one waits for with SUCCESS; a sidecar is a non-essential one waited for with START. Essential containers are the ones whose exit stops the task.",
    differences: [
      "Kubernetes restarts a failed init container (with restartPolicy Always); in ECS the task fails.",
      "ECS can order any containers; Kubernetes orders only init containers before the app containers.",
    ],
    translation: "Each init container depends on the one before it; the app containers on the last.",
  },
  {
    id: "grace-period-stop-timeout",
    kubernetes: "terminationGracePeriodSeconds",
    ecs: "stopTimeout",
    aliases: ["terminationGracePeriodSeconds", "grace period", "stopTimeout", "stop timeout", "SIGTERM"],
    summary: "How long a container gets between SIGTERM and SIGKILL.",
    explanation:
      "ECS stops a container like `docker stop`: the stop signal, then stopTimeout seconds, then SIGKILL. The default is 30 seconds (the agent's ECS_CONTAINER_STOP_TIMEOUT on EC2; Fargate allows up to 120). Kubernetes gives the whole pod one grace period, default 30 seconds, including preStop hooks.",
    differences: ["ECS sets it per container; Kubernetes per pod. ECS has no preStop hook."],
    translation: "terminationGracePeriodSeconds → every container's stopTimeout; back, the longest stopTimeout.",
  },
  {
    id: "labels-tags",
    kubernetes: "labels",
    ecs: "tags",
    aliases: ["labels", "label", "tags", "tag", "propagateTags"],
    summary: "Key/value metadata on objects.",
    explanation:
      "Tags annotate ECS resources (services, task definitions, tasks) as labels do Kubernetes objects. With propagateTags TASK_DEFINITION each task carries its task definition's tags, as each pod carries its template's labels.",
    differences: [
      "Labels select (Services, Deployments, affinity); tags do not — ECS services own their tasks directly.",
      "Tag values allow 256 characters including spaces; label values 63 characters of letters, digits, '-', '_' and '.'. ECS allows 50 tags per resource.",
    ],
  },
  {
    id: "config-secrets",
    kubernetes: "ConfigMap / Secret (env, envFrom)",
    ecs: "environment / secrets (SSM Parameter Store, Secrets Manager)",
    aliases: ["ConfigMap", "Secret", "env", "envFrom", "valueFrom", "secretKeyRef", "configMapKeyRef", "environment", "secrets", "environmentFiles"],
    summary: "Configuration and credentials handed to containers.",
    explanation:
      "ECS puts literal variables in `environment` and fetches `secrets` when the task starts, from an SSM parameter or a Secrets Manager secret (optionally one JSON key of it), using the execution role. There is no object like a ConfigMap; the values live in the task definition or in those stores.",
    differences: [
      "ECS has no 'all keys of' reference like envFrom (environmentFiles from S3 is the nearest), and no config files mounted from a ConfigMap or Secret.",
      "Changing a secret's value takes effect for new tasks only, as with env from a Secret.",
    ],
    translation: "secretKeyRef → Secrets Manager secret NAME, JSON key KEY; configMapKeyRef → the ConfigMap's value when given, else SSM parameter /NAME/KEY.",
  },
  {
    id: "resources",
    kubernetes: "resources.requests / limits",
    ecs: "cpu (units) / memory / memoryReservation",
    aliases: ["resources", "requests", "limits", "cpu", "memory", "memoryReservation", "cpu units", "millicores"],
    summary: "What a container reserves and may use.",
    explanation:
      "ECS counts CPU in units of 1/1024 core and memory in MiB. A container's `cpu` is its reservation (and Docker CPU shares), `memoryReservation` its soft memory reservation and `memory` its hard limit; ECS reserves `memory` when no reservation is given, as Kubernetes requests the limit when no request is given. The task-level cpu and memory cap the whole task.",
    differences: [
      "Kubernetes CPU has millicore precision: only multiples of 128 units (125m) convert exactly; 250m = 256 units, 1 = 1024.",
      "ECS on Linux has no per-container CPU limit; the task-level cpu is the cap (Kubernetes' pod-level resources are the nearest).",
    ],
    translation: "requests.cpu → cpu (rounded up); limits.memory → memory; requests.memory → memoryReservation; quantities parsed exactly (500m, 256Mi, 1.5Gi, 1e3).",
  },
  {
    id: "command-entrypoint",
    kubernetes: "command / args",
    ecs: "entryPoint / command",
    aliases: ["command", "args", "entryPoint", "entrypoint", "CMD", "ENTRYPOINT"],
    summary: "What the container runs — the words shifted by one.",
    explanation:
      "Kubernetes' `command` replaces the image's ENTRYPOINT and `args` its CMD; ECS calls the same two `entryPoint` and `command`. So Kubernetes' command is ECS's entryPoint, and Kubernetes' args are ECS's command.",
    differences: ["Kubernetes expands $(VAR) references in command, args and env values; ECS passes the text unchanged."],
  },
  {
    id: "pod-ip-awsvpc",
    kubernetes: "Pod IP (CNI)",
    ecs: "awsvpc network mode (an ENI per task)",
    aliases: ["Pod IP", "CNI", "awsvpc", "ENI", "networkMode", "hostNetwork", "bridge"],
    summary: "Each copy with its own address.",
    explanation:
      "In awsvpc mode each task gets its own elastic network interface: its own IP in the VPC and its own security groups, as each pod gets its own IP. The other modes are host (the instance's network, like hostNetwork), bridge (Docker's bridge with port mappings through the instance) and none.",
    differences: [
      "On EC2 the number of network interfaces per instance is limited by the instance type, which limits awsvpc tasks per instance (trunking raises it).",
      "Fargate always uses awsvpc.",
    ],
  },
  {
    id: "revision-history",
    kubernetes: "rollout history / rollout undo",
    ecs: "task definition revisions / circuit breaker rollback",
    aliases: ["rollout undo", "rollback", "revisionHistoryLimit", "rollout history", "deploymentCircuitBreaker", "circuit breaker", "progressDeadlineSeconds"],
    summary: "Going back to what ran before.",
    explanation:
      "Every ECS task definition registration is a new revision that stays until deregistered; rolling back is UpdateService to an older revision. The deployment circuit breaker can fail a deployment whose tasks keep failing and roll back to the last one that completed.",
    differences: ["Kubernetes' progressDeadlineSeconds marks a stuck rollout as failed by time but never rolls back on its own."],
  },
  {
    id: "namespace",
    kubernetes: "Namespace",
    ecs: "(none)",
    aliases: ["Namespace", "namespaces", "ns"],
    summary: "Kubernetes' way to divide one cluster; ECS has no such thing.",
    explanation: "ECS names are unique per cluster, so teams that would share a Kubernetes cluster through namespaces use separate ECS clusters, or prefixes in service names.",
    differences: ["Quotas and access per namespace become per-cluster IAM policies in ECS."],
    seeAlso: ["cluster"],
  },
  {
    id: "control-plane",
    kubernetes: "API server / etcd / controllers",
    ecs: "ECS API (internal store and controllers)",
    aliases: ["control plane", "API server", "kube-apiserver", "etcd", "controller manager", "reconciliation", "reconciliation loop", "controller loop", "controller"],
    summary: "Where desired state is stored and converged.",
    explanation:
      "Both keep desired state and run control loops that compare it with what is observed and act to close the gap (start, stop, or wait). Kubernetes shows its parts; ECS offers only the API and keeps its store and controllers private. berth is built like ECS but keeps its store etcd-shaped and shows every decision of its loops.",
    differences: ["In ECS you can only infer the loop from task states and service events; Kubernetes lets you watch every object change."],
  },
  {
    id: "autoscaling",
    kubernetes: "HorizontalPodAutoscaler",
    ecs: "Application Auto Scaling (service scaling)",
    aliases: ["HorizontalPodAutoscaler", "HPA", "autoscaling", "service auto scaling", "target tracking"],
    summary: "Changing the desired count with load.",
    explanation: "ECS service auto scaling is Application Auto Scaling acting on a service's desiredCount: target tracking on a metric, step scaling, or schedules — what an HPA does to replicas.",
    differences: ["The policies live in Application Auto Scaling and CloudWatch, not on the service."],
  },
];
