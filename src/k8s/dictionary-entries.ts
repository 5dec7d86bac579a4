// The Kubernetes ↔ ECS dictionary. Its spine is the seed article's table (Deployment/ReplicaSet
// ↔ Service, Pod ↔ Task, PodSpec ↔ TaskDefinition, kube-scheduler ↔ placement, kubelet ↔ agent,
// describe/events ↔ service events and stopped reasons, Service ↔ target group + awsvpc,
// ServiceAccount + IRSA ↔ task role, maxSurge/maxUnavailable ↔ maximumPercent/
// minimumHealthyPercent); the field-level entries are in dictionary-fields.ts.

import { FIELD_ENTRIES } from "./dictionary-fields.js";
import type { DictionaryEntry } from "./dictionary-types.js";

export type { DictionaryEntry };


const CORE_ENTRIES: readonly DictionaryEntry[] = [
  {
    id: "service",
    kubernetes: "Service",
    ecs: "Service",
    aliases: ["Service", "Services"],
    summary: "One word, two different things: a Kubernetes Service is a stable address; an ECS service is a Deployment.",
    explanation:
      "In Kubernetes a Service gives a set of pods one address and balances connections across them. In ECS a service keeps a number of copies of a task definition running and rolls them to new revisions — the job of a Kubernetes Deployment. The Kubernetes Service's job is done in ECS by a load balancer's target group that the ECS service registers its tasks into.",
    differences: ["Ask for 'ECS Service' or 'Kubernetes Service' to read the entry for one meaning."],
    seeAlso: ["deployment-service", "k8s-service-target-group"],
  },
  {
    id: "deployment",
    kubernetes: "Deployment",
    ecs: "deployment",
    aliases: ["Deployment", "Deployments"],
    summary: "Also two things: a Kubernetes Deployment is an ECS service; an ECS deployment is one generation inside a service, like a ReplicaSet.",
    explanation:
      "A Kubernetes Deployment owns the desired number of pods and the rollout between pod templates; in ECS that is the service. Inside an ECS service, `deployments` lists the generations that run at once during a rollout: the PRIMARY (the newest task definition) and ACTIVE ones (older revisions being drained). Those are what a Deployment's ReplicaSets are.",
    differences: ["Ask for 'ECS deployment' or 'Kubernetes Deployment' to read the entry for one meaning."],
    seeAlso: ["deployment-service", "replicaset-deployments"],
  },
  {
    id: "deployment-service",
    kubernetes: "Deployment / ReplicaSet",
    ecs: "Service",
    aliases: ["Deployment/ReplicaSet", "Kubernetes Deployment", "k8s Deployment", "ECS Service", "Amazon ECS Service", "service scheduler"],
    summary: "The object that holds desired state: how many copies, of which blueprint, rolled out how.",
    explanation:
      "Both declare a count and a blueprint and leave the rest to a controller that keeps converging the real world toward them: a Deployment says `replicas: 3` of a pod template, an ECS service says `desiredCount: 3` of a task definition. Both also own the rollout policy and where copies may run.",
    differences: [
      "A Deployment selects its pods by labels; an ECS service owns its tasks directly (each task records the deployment that started it).",
      "A Deployment embeds its pod template; an ECS service points at a separately registered, numbered task definition.",
      "A Deployment scaled to 0 still exists in the same way; an ECS service must be scaled to 0 (or forced) before it can be deleted, and then drains.",
      "ECS's service scheduler is hidden; you read its decisions in the service's events. berth shows each decision.",
    ],
    translation: "Deployment → CreateService (schedulingStrategy REPLICA); metadata.name → serviceName; replicas → desiredCount.",
    seeAlso: ["replicaset-deployments", "replicas-desired-count", "max-surge"],
  },
  {
    id: "replicaset-deployments",
    kubernetes: "ReplicaSet",
    ecs: "deployments (PRIMARY / ACTIVE)",
    aliases: ["ReplicaSet", "ReplicaSets", "rs", "ECS deployment", "PRIMARY", "ACTIVE deployment", "rollout"],
    summary: "One generation of copies during a rollout: the new one grows while the old one shrinks.",
    explanation:
      "During a rollout a Deployment runs an old and a new ReplicaSet side by side, growing one and shrinking the other within maxSurge and maxUnavailable. An ECS service does the same with its `deployments` list: the PRIMARY deployment (the new task definition) gains tasks while ACTIVE ones lose them, within maximumPercent and minimumHealthyPercent, until only the PRIMARY is left.",
    differences: [
      "ReplicaSets are objects you can list and scale yourself; ECS deployments exist only inside the service.",
      "Kubernetes keeps old ReplicaSets (revisionHistoryLimit) for rollback; ECS keeps old task definition revisions instead, and the circuit breaker can roll back a failed deployment.",
    ],
    seeAlso: ["deployment-service", "revision-history"],
  },
  {
    id: "replicas-desired-count",
    kubernetes: "replicas",
    ecs: "desiredCount",
    aliases: ["replicas", "desiredCount", "desired count", "desired state", "scale"],
    summary: "How many copies should run.",
    explanation:
      "The single number the control loop converges to. Kubernetes defaults replicas to 1 when omitted. A DAEMON service has no desiredCount of its own: ECS computes it from the instances, as a DaemonSet's desired count comes from the nodes.",
    differences: ["Scaling is an UpdateService call in ECS, `kubectl scale` (a patch of replicas) in Kubernetes."],
    translation: "replicas ↔ desiredCount, unchanged.",
  },
  {
    id: "pod-task",
    kubernetes: "Pod",
    ecs: "Task",
    aliases: ["Pod", "Pods", "Task", "Tasks", "ECS task"],
    summary: "The unit that runs: one or more containers started together on one machine.",
    explanation:
      "A pod and a task are both a small group of containers scheduled as one onto one machine, sharing a network identity (in awsvpc mode a task has its own network interface and IP, as a pod has its own IP). Both are started by a controller (a ReplicaSet, an ECS service) or on their own (a bare pod, RunTask).",
    differences: [
      "When an essential container of a task exits, ECS stops the whole task and the service starts a new one; Kubernetes restarts the container inside the same pod.",
      "A task's lifecycle is PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED; a pod's phase is Pending, Running, Succeeded or Failed.",
      "A stopped task keeps its stoppedReason and exit codes for at least an hour; look there first when something died.",
    ],
    translation: "A bare Pod → a task definition to start with RunTask.",
    seeAlso: ["podspec-task-definition", "describe-events"],
  },
  {
    id: "podspec-task-definition",
    kubernetes: "PodSpec (pod template)",
    ecs: "TaskDefinition",
    aliases: ["PodSpec", "pod spec", "pod template", "PodTemplateSpec", "TaskDefinition", "task definition", "taskdef", "family", "revision"],
    summary: "The blueprint of one unit: its containers, images, resources, volumes and roles.",
    explanation:
      "A task definition is what a pod template is: which containers, with which images, commands, environment, ports, resources, health checks and volumes. It is registered on its own and is immutable: every registration makes a new numbered revision of its family (my-app:1, my-app:2, …), and a service points at one revision.",
    differences: [
      "A pod template lives inside its Deployment and changes in place; a task definition is a separate, versioned object, never edited.",
      "Kubernetes' pod-level settings (service account, grace period, node selection) sit in the task definition's top level or in each container definition (stopTimeout is per container).",
    ],
    translation: "spec.template → RegisterTaskDefinition; the family is the workload's name.",
    seeAlso: ["command-entrypoint", "resources", "probes-health-check"],
  },
  {
    id: "scheduler-placement",
    kubernetes: "kube-scheduler",
    ecs: "ECS placement (strategies, constraints, capacity providers)",
    aliases: ["kube-scheduler", "scheduler", "scheduling", "placement", "ECS placement", "placement strategy", "placement constraint"],
    summary: "Deciding where each new copy runs.",
    explanation:
      "Both filter machines by hard requirements, then rank the rest. ECS does it in two steps: first which capacity (a capacity provider: Fargate, an EC2 Auto Scaling group, external machines), then which instance inside it: constraints filter (memberOf, distinctInstance) and strategies rank (spread, binpack, random, applied in order as tie-breakers).",
    differences: [
      "Kubernetes scores nodes with a cluster-wide configuration; ECS strategies are chosen per service or per RunTask.",
      "On Fargate there is no instance to choose; placement is the subnets' availability zones.",
      "ECS has no taints and tolerations: only the task's side (constraints) decides.",
    ],
    seeAlso: ["node-selector-member-of", "topology-spread", "pod-anti-affinity", "node-pool-capacity-provider"],
  },
  {
    id: "kubelet-agent",
    kubernetes: "kubelet",
    ecs: "ECS agent (EC2) / invisible (Fargate)",
    aliases: ["kubelet", "ECS agent", "container agent", "agent", "Fargate", "data plane"],
    summary: "The process on each machine that runs the containers and reports back.",
    explanation:
      "The kubelet and the ECS agent have the same job: receive the units assigned to their machine, start and stop the containers through the container runtime, and report states to the control plane. On Fargate the agent still exists but you cannot see or touch it: you observe only tasks, their states, reasons and events.",
    differences: [
      "Kubernetes exposes the node's parts (kubelet, CNI, CSI) and lets you change them; ECS keeps them closed, and on Fargate hidden.",
      "berth's agent is this component, built in the open.",
    ],
    seeAlso: ["node-container-instance"],
  },
  {
    id: "describe-events",
    kubernetes: "kubectl describe / events",
    ecs: "service events / task stoppedReason",
    aliases: ["kubectl describe", "describe", "events", "kubectl get events", "service events", "stoppedReason", "stopped reason", "exit code"],
    summary: "Where to look to learn why something happened.",
    explanation:
      "In ECS read top-down, in the order the control loop works: the service's events (why tasks were started or stopped, or why nothing could be placed), then its deployments (PRIMARY and ACTIVE, with desired, running and pending counts), then a task's stoppedReason and each container's exit code and reason, then the logs. It is the same path as Deployment → ReplicaSet → Pod → container.",
    differences: [
      "ECS keeps the newest 100 service events and repeats 'has reached a steady state' periodically; Kubernetes events expire after an hour by default.",
      "An exit code of 137 means the container was killed (out of memory, or the stop timeout ran out); 143 means it stopped on SIGTERM.",
    ],
  },
  {
    id: "k8s-service-target-group",
    kubernetes: "Service (ClusterIP / LoadBalancer)",
    ecs: "target group + awsvpc",
    aliases: ["Kubernetes Service", "k8s Service", "ClusterIP", "LoadBalancer", "NodePort", "target group", "load balancer", "Endpoints", "EndpointSlice"],
    summary: "A stable address in front of a changing set of copies.",
    explanation:
      "A Kubernetes Service selects pods by label and balances traffic to their IPs. In ECS a service is wired to one or more load balancer target groups; it registers each task (with awsvpc, the task's own IP and the container's port) when it starts and deregisters it before it stops. Target group health checks then decide which tasks get traffic.",
    differences: [
      "ECS needs a load balancer (or Service Connect / Cloud Map for names) to give a stable address; there is no built-in virtual IP like ClusterIP.",
      "An HTTP health check lives on the target group, not on the container.",
      "A headless Service (per-pod DNS names) corresponds to service discovery (serviceRegistries).",
    ],
    translation: "A Service's selector, ports and targetPort are recorded as load balancer wiring; with the target group annotation they become the ECS service's loadBalancers.",
    seeAlso: ["pod-ip-awsvpc", "probes-health-check"],
  },
  {
    id: "service-account-task-role",
    kubernetes: "ServiceAccount + IRSA",
    ecs: "task role (taskRoleArn)",
    aliases: ["ServiceAccount", "service account", "serviceAccountName", "IRSA", "task role", "taskRoleArn"],
    summary: "The identity the application uses to call AWS.",
    explanation:
      "With IRSA a pod's service account is bound to an IAM role, and the application receives that role's credentials. In ECS the task definition names the task role, and every container of the task can get its credentials from the task's credentials endpoint.",
    differences: ["A ServiceAccount is also a Kubernetes API identity; a task role is only an AWS identity."],
    translation: "serviceAccountName → taskRoleArn (the IRSA annotation's role ARN when the ServiceAccount is given, else the name); back, a ServiceAccount with the annotation.",
    seeAlso: ["node-role-execution-role"],
  },
  {
    id: "node-role-execution-role",
    kubernetes: "node IAM role (implicit)",
    ecs: "execution role (executionRoleArn)",
    aliases: ["execution role", "executionRoleArn", "task execution role", "node role", "node IAM role"],
    summary: "The identity that starts the workload: pulls images, ships logs, fetches secrets.",
    explanation:
      "ECS separates the role the platform uses to start a task (execution role: pull from ECR, write CloudWatch Logs, read the secrets injected as environment) from the role the application uses (task role). In Kubernetes the first job is done with the node's own credentials.",
    differences: ["Kubernetes has no per-workload execution role, so the translator reports executionRoleArn as unmapped."],
    seeAlso: ["service-account-task-role"],
  },
  {
    id: "max-surge",
    kubernetes: "maxSurge",
    ecs: "maximumPercent",
    aliases: ["maxSurge", "max surge", "surge", "maximumPercent", "maximum percent"],
    summary: "How many copies may run above the desired count during a rollout — said the other way round.",
    explanation:
      "Kubernetes says how many extra pods a rollout may add (maxSurge, a count or a percent of replicas); ECS says the ceiling on running plus pending tasks as a percent of desiredCount (maximumPercent). So maximumPercent = 100 + maxSurge%. Kubernetes rounds a surge percent up: ceil(replicas × pct / 100); ECS rounds the ceiling down: floor(desired × maximumPercent / 100). Defaults: maxSurge 25%; maximumPercent 200 (a DAEMON service must use 100).",
    differences: [
      "The roundings differ: with 3 replicas, maxSurge 50% allows 3 + ceil(1.5) = 5 pods, but maximumPercent 150 allows floor(4.5) = 4 tasks; 167 gives 5.",
      "A percent follows the desired count; an absolute maxSurge does not. Converting an absolute surge to a percent is exact only at the current count.",
      "ECS percents are whole numbers; above 100 tasks some counts have no exact percent, and berth picks the nearest that never allows more.",
    ],
    translation: "Exact whenever a whole percent gives the same total; otherwise the nearest lower total, reported. Back, the mirror percent when it gives the same total, else the absolute count.",
    seeAlso: ["max-unavailable", "replicaset-deployments"],
  },
  {
    id: "max-unavailable",
    kubernetes: "maxUnavailable",
    ecs: "minimumHealthyPercent",
    aliases: ["maxUnavailable", "max unavailable", "minimumHealthyPercent", "minimum healthy percent", "min healthy"],
    summary: "How many copies must stay healthy during a rollout — said the other way round.",
    explanation:
      "Kubernetes says how many pods may be unavailable (maxUnavailable); ECS says the floor of healthy running tasks as a percent of desiredCount (minimumHealthyPercent). So minimumHealthyPercent = 100 − maxUnavailable%. Kubernetes rounds an unavailable percent down: floor(replicas × pct / 100); ECS rounds the floor up: ceil(desired × minimumHealthyPercent / 100) — the same count, so this pair converts exactly. Defaults: maxUnavailable 25%; minimumHealthyPercent 100 (REPLICA) and 0 (DAEMON).",
    differences: [
      "If maxSurge and maxUnavailable both resolve to 0, Kubernetes makes maxUnavailable 1; ECS with maximumPercent 100 and minimumHealthyPercent 100 simply cannot start or stop anything and says so in an event.",
      "A DaemonSet rounds maxUnavailable up, unlike a Deployment.",
      "ECS counts a task healthy when its essential containers' health checks pass (or 40 seconds after RUNNING without checks) and, behind a load balancer, when the target is healthy.",
    ],
    translation: "maxUnavailable p% ↔ minimumHealthyPercent 100 − p, exact for every count; absolute counts convert at the current replicas.",
    seeAlso: ["max-surge"],
  },
  {
    id: "cluster",
    kubernetes: "Cluster",
    ecs: "Cluster",
    aliases: ["Cluster", "Clusters"],
    summary: "The pool of machines and the control plane that manages them.",
    explanation:
      "In Kubernetes a cluster is its own control plane (API server, etcd, controllers) plus nodes. An ECS cluster is a named grouping inside a regional, shared control plane: it holds container instances, services and tasks, and capacity providers.",
    differences: ["Kubernetes divides a cluster with namespaces; ECS has none, so teams use separate clusters or name prefixes."],
    seeAlso: ["namespace", "control-plane"],
  },
  {
    id: "node-container-instance",
    kubernetes: "Node",
    ecs: "container instance",
    aliases: ["Node", "Nodes", "container instance", "ContainerInstance", "instance", "node labels", "attributes"],
    summary: "A machine that runs the workload, registered with the control plane.",
    explanation:
      "A container instance is an EC2 instance (or an external machine) whose ECS agent registered it with a cluster, reporting its CPU, memory and ports. Node labels correspond to instance attributes: built-in ones such as ecs.instance-type, ecs.availability-zone, ecs.os-type and ecs.cpu-architecture, and custom ones set with PutAttributes.",
    differences: [
      "Draining an instance (status DRAINING) is like cordon plus drain; the services replace its tasks within minimumHealthyPercent and maximumPercent.",
      "An instance whose agent is disconnected gets no new tasks but keeps its running ones.",
    ],
    seeAlso: ["kubelet-agent", "node-selector-member-of"],
  },
];

export const ENTRIES: readonly DictionaryEntry[] = [...CORE_ENTRIES, ...FIELD_ENTRIES];
