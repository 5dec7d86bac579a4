import assert from "node:assert/strict";
import { test } from "node:test";
import { ec2Model } from "../../api/ec2/model.generated.js";
import { ecsModel } from "../../api/ecs/model.generated.js";
import { elbv2Model } from "../../api/elbv2/model.generated.js";
import { serviceDiscoveryModel } from "../../api/servicediscovery/model.generated.js";
import { actionFor, operationsOf, PERMISSIONLESS, requestResources, type AuthScope, type ServicePrefix } from "./actions.js";

const scope: AuthScope = { accountId: "123456789012", region: "us-east-1" };
const ecs = (r: string) => `arn:aws:ecs:us-east-1:123456789012:${r}`;

test("actionFor: every operation of the models berth answers has its action, named after it", () => {
  const models: [ServicePrefix, Record<string, unknown>][] = [
    ["ecs", ecsModel.operations],
    ["ec2", ec2Model.operations],
    ["elasticloadbalancing", elbv2Model.operations],
    ["servicediscovery", serviceDiscoveryModel.operations],
  ];
  for (const [service, operations] of models) {
    for (const op of Object.keys(operations)) assert.equal(actionFor(service, op), `${service}:${op}`, `${service} ${op}`);
    assert.deepEqual(operationsOf(service), Object.keys(operations).sort(), `${service}: nothing extra either`);
  }
  // The subsets issue 13 names for IAM, STS, Secrets Manager and SSM.
  const named: [ServicePrefix, string[]][] = [
    ["iam", ["CreateUser", "CreateAccessKey", "DeleteAccessKey", "ListAccessKeys", "CreateRole", "GetRole", "DeleteRole", "PutRolePolicy", "GetRolePolicy", "DeleteRolePolicy", "CreatePolicy", "AttachRolePolicy", "AttachUserPolicy", "DetachRolePolicy", "ListRoles", "ListAttachedRolePolicies"]],
    ["sts", ["GetCallerIdentity", "AssumeRole"]],
    ["secretsmanager", ["CreateSecret", "GetSecretValue", "PutSecretValue", "DescribeSecret", "ListSecrets", "DeleteSecret"]],
    ["ssm", ["PutParameter", "GetParameter", "GetParameters", "GetParametersByPath", "DeleteParameter"]],
    ["berth", ["DescribeServiceDecisions", "GetTaskLogs", "ValidateRequest"]],
  ];
  for (const [service, ops] of named) for (const op of ops) assert.equal(actionFor(service, op), `${service}:${op}`, `${service} ${op}`);
  assert.equal(actionFor("ecs", "NoSuchOperation"), undefined);
  assert.equal(actionFor("s3", "GetObject"), undefined);
  assert.equal(actionFor("ecs", "toString"), undefined, "no prototype keys");
  assert.ok(PERMISSIONLESS.has("sts:GetCallerIdentity"));
});

// Service Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic
// Container Service": the resource type and the ecs: condition keys of each action.
test("requestResources: ECS operations act on the resources AWS names, with ecs:cluster where AWS lists it", () => {
  const table: [string, Record<string, unknown>, string[], Record<string, string | string[]>][] = [
    ["ListClusters", {}, ["*"], {}],
    ["CreateCluster", { clusterName: "prod", capacityProviders: ["FARGATE"] }, [ecs("cluster/prod")], { "ecs:capacity-provider": [ecs("capacity-provider/FARGATE")] }],
    ["CreateCluster", {}, [ecs("cluster/default")], {}],
    ["DescribeClusters", { clusters: ["prod", ecs("cluster/dev")] }, [ecs("cluster/prod"), ecs("cluster/dev")], {}],
    ["DescribeClusters", {}, [ecs("cluster/default")], {}],
    ["DeleteCluster", { cluster: ecs("cluster/prod") }, [ecs("cluster/prod")], {}],
    [
      "RunTask",
      { cluster: "prod", taskDefinition: "web:3", enableExecuteCommand: true, capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT" }] },
      [ecs("task-definition/web:3")],
      { "ecs:cluster": ecs("cluster/prod"), "ecs:enable-execute-command": "true", "ecs:capacity-provider": [ecs("capacity-provider/FARGATE_SPOT")] },
    ],
    ["RunTask", { taskDefinition: ecs("task-definition/web:3") }, [ecs("task-definition/web:3")], { "ecs:cluster": ecs("cluster/default") }],
    ["RunTask", { taskDefinition: "web" }, [ecs("task-definition/web:*")], { "ecs:cluster": ecs("cluster/default") }],
    [
      "StartTask",
      { cluster: "prod", taskDefinition: "web:1", containerInstances: ["0abc"] },
      [ecs("task-definition/web:1")],
      { "ecs:cluster": ecs("cluster/prod"), "ecs:container-instances": [ecs("container-instance/prod/0abc")] },
    ],
    ["DescribeTaskDefinition", { taskDefinition: "web:3" }, ["*"], {}],
    ["DeregisterTaskDefinition", { taskDefinition: "web:3" }, ["*"], {}],
    ["DeleteTaskDefinitions", { taskDefinitions: ["web:1", ecs("task-definition/web:2")] }, [ecs("task-definition/web:1"), ecs("task-definition/web:2")], {}],
    [
      "RegisterTaskDefinition",
      { family: "web", cpu: "1 vCPU", memory: "2048", requiresCompatibilities: ["FARGATE"], containerDefinitions: [{ name: "a" }, { name: "b", privileged: true }], tags: [{ key: "team", value: "core" }] },
      [ecs("task-definition/web:*")],
      { "ecs:task-cpu": "1024", "ecs:task-memory": "2048", "ecs:compute-compatibility": ["FARGATE"], "ecs:privileged": "true", "aws:RequestTag/team": "core", "aws:TagKeys": ["team"] },
    ],
    [
      "CreateService",
      { cluster: "prod", serviceName: "web", taskDefinition: "web:4", networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "DISABLED" } }, propagateTags: "SERVICE" },
      [ecs("service/prod/web")],
      { "ecs:cluster": ecs("cluster/prod"), "ecs:task-definition": ecs("task-definition/web:4"), "ecs:subnet": ["subnet-1"], "ecs:auto-assign-public-ip": "false", "ecs:propagate-tags": "SERVICE" },
    ],
    ["UpdateService", { service: ecs("service/prod/web"), desiredCount: 2 }, [ecs("service/prod/web")], { "ecs:cluster": ecs("cluster/prod") }],
    ["DeleteService", { cluster: "prod", service: "web" }, [ecs("service/prod/web")], { "ecs:cluster": ecs("cluster/prod") }],
    ["DescribeServices", { cluster: "prod", services: ["a", "b"] }, [ecs("service/prod/a"), ecs("service/prod/b")], { "ecs:cluster": ecs("cluster/prod") }],
    ["ListServices", { cluster: "prod" }, ["*"], { "ecs:cluster": ecs("cluster/prod") }],
    ["DescribeTasks", { cluster: "prod", tasks: ["t1"] }, [ecs("task/prod/t1")], { "ecs:cluster": ecs("cluster/prod") }],
    ["DescribeTasks", { tasks: [ecs("task/prod/t1")] }, [ecs("task/prod/t1")], { "ecs:cluster": ecs("cluster/prod") }],
    ["StopTask", { cluster: "prod", task: "t1" }, [ecs("task/prod/t1")], { "ecs:cluster": ecs("cluster/prod") }],
    ["ListTasks", { cluster: "prod" }, [ecs("container-instance/prod/*")], { "ecs:cluster": ecs("cluster/prod") }],
    ["ListTasks", { cluster: "prod", containerInstance: "ci1" }, [ecs("container-instance/prod/ci1")], { "ecs:cluster": ecs("cluster/prod") }],
    ["DeregisterContainerInstance", { cluster: "prod", containerInstance: "ci1" }, [ecs("cluster/prod")], {}],
    ["UpdateContainerInstancesState", { cluster: "prod", containerInstances: ["ci1"], status: "DRAINING" }, [ecs("container-instance/prod/ci1")], { "ecs:cluster": ecs("cluster/prod") }],
    ["PutAttributes", { cluster: "prod", attributes: [{ name: "a", targetId: "ci1" }] }, [ecs("container-instance/prod/ci1")], { "ecs:cluster": ecs("cluster/prod") }],
    ["PutAccountSetting", { name: "awsvpcTrunking", value: "enabled" }, ["*"], { "ecs:account-setting": "awsvpcTrunking" }],
    ["DescribeCapacityProviders", {}, [ecs("capacity-provider/*")], {}],
    ["TagResource", { resourceArn: ecs("cluster/prod"), tags: [{ key: "env", value: "prod" }] }, [ecs("cluster/prod")], { "aws:RequestTag/env": "prod", "aws:TagKeys": ["env"] }],
    ["UntagResource", { resourceArn: ecs("cluster/prod"), tagKeys: ["env"] }, [ecs("cluster/prod")], { "aws:TagKeys": ["env"] }],
    [
      "DescribeServiceDeployments",
      { serviceDeploymentArns: [ecs("service-deployment/prod/web/d1")] },
      [ecs("service/prod/web"), ecs("service-deployment/prod/web/d1")],
      { "ecs:cluster": ecs("cluster/prod"), "ecs:service": ecs("service/prod/web") },
    ],
    ["ExecuteCommand", { cluster: "prod", task: "t1", container: "app", command: "sh", interactive: true }, [ecs("cluster/prod"), ecs("task/prod/t1")], { "ecs:cluster": ecs("cluster/prod"), "ecs:task": ecs("task/prod/t1"), "ecs:container-name": "app" }],
    ["SubmitTaskStateChange", { cluster: "prod", task: "t1" }, [ecs("cluster/prod")], {}],
    ["DiscoverPollEndpoint", { cluster: "prod" }, ["*"], {}],
    ["CreateTaskSet", { cluster: "prod", service: "web", taskDefinition: "web:2" }, [ecs("task-set/prod/web/*")], { "ecs:cluster": ecs("cluster/prod"), "ecs:service": ecs("service/prod/web"), "ecs:task-definition": ecs("task-definition/web:2") }],
  ];
  for (const [op, input, resources, context] of table) {
    assert.deepEqual(requestResources("ecs", op, input, scope), { resources, context }, `${op} ${JSON.stringify(input)}`);
  }
});

test("requestResources: what the input cannot say comes from the scope's lookup", () => {
  const looked: AuthScope = {
    ...scope,
    partition: "aws-cn",
    callerArn: "arn:aws-cn:iam::123456789012:user/ops/alice",
    lookup: {
      taskDefinitionRevision: (family, which) => (family === "web" ? (which === "next" ? 8 : 7) : undefined),
      secretArn: (id) => (id === "db" ? "arn:aws-cn:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" : undefined),
      cloudMapIds: (ns, svc) => (ns === "local" && svc === "api" ? { namespaceId: "ns-1", serviceId: "srv-2" } : undefined),
      iamPath: (kind, name) => (kind === "role" && name === "app" ? "/service/" : undefined),
    },
  };
  assert.deepEqual(requestResources("ecs", "RunTask", { taskDefinition: "web" }, looked).resources, ["arn:aws-cn:ecs:us-east-1:123456789012:task-definition/web:7"]);
  assert.deepEqual(requestResources("ecs", "RegisterTaskDefinition", { family: "web", containerDefinitions: [] }, looked).resources, ["arn:aws-cn:ecs:us-east-1:123456789012:task-definition/web:8"]);
  assert.deepEqual(requestResources("secretsmanager", "GetSecretValue", { SecretId: "db" }, looked), {
    resources: ["arn:aws-cn:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"],
    context: { "secretsmanager:SecretId": "arn:aws-cn:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" },
  });
  assert.deepEqual(requestResources("servicediscovery", "DiscoverInstances", { NamespaceName: "local", ServiceName: "api" }, looked).resources, [
    "arn:aws-cn:servicediscovery:us-east-1:123456789012:namespace/ns-1",
    "arn:aws-cn:servicediscovery:us-east-1:123456789012:service/srv-2",
  ]);
  assert.deepEqual(requestResources("iam", "GetRole", { RoleName: "app" }, looked).resources, ["arn:aws-cn:iam::123456789012:role/service/app"]);
  assert.deepEqual(requestResources("iam", "ListAccessKeys", {}, looked).resources, ["arn:aws-cn:iam::123456789012:user/ops/alice"], "the calling user");
});

// Service Authorization Reference pages for EC2, Elastic Load Balancing V2, AWS Cloud Map,
// IAM, STS, Secrets Manager and Systems Manager: resource types and service condition keys.
test("requestResources: the other services", () => {
  const elb = (r: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:${r}`;
  const table: [string, string, Record<string, unknown>, string[], Record<string, string | string[]>][] = [
    ["ec2", "DescribeVpcs", {}, ["*"], { "ec2:Region": "us-east-1" }],
    ["ec2", "CreateSubnet", { VpcId: "vpc-1", CidrBlock: "10.0.0.0/24" }, ["arn:aws:ec2:us-east-1:123456789012:subnet/*", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"], { "ec2:Region": "us-east-1" }],
    ["ec2", "DeleteSecurityGroup", { GroupId: "sg-1" }, ["arn:aws:ec2:us-east-1:123456789012:security-group/sg-1"], { "ec2:Region": "us-east-1" }],
    [
      "ec2",
      "CreateVpc",
      { CidrBlock: "10.0.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "main" }] }] },
      ["arn:aws:ec2:us-east-1:123456789012:vpc/*"],
      { "ec2:Region": "us-east-1", "aws:RequestTag/Name": "main", "aws:TagKeys": ["Name"] },
    ],
    ["elasticloadbalancing", "DescribeLoadBalancers", {}, ["*"], {}],
    ["elasticloadbalancing", "CreateTargetGroup", { Name: "web", Protocol: "HTTP", Port: 80 }, [elb("targetgroup/web/*")], {}],
    [
      "elasticloadbalancing",
      "CreateLoadBalancer",
      { Name: "front", Subnets: ["subnet-1", "subnet-2"], Type: "network" },
      [elb("loadbalancer/net/front/*")],
      { "elasticloadbalancing:Scheme": "internet-facing", "elasticloadbalancing:Subnet": ["subnet-1", "subnet-2"] },
    ],
    ["elasticloadbalancing", "CreateListener", { LoadBalancerArn: elb("loadbalancer/app/front/abc"), Protocol: "HTTP", Port: 80 }, [elb("loadbalancer/app/front/abc")], { "elasticloadbalancing:ListenerProtocol": "HTTP" }],
    ["elasticloadbalancing", "RegisterTargets", { TargetGroupArn: elb("targetgroup/web/abc"), Targets: [{ Id: "10.0.0.1" }] }, [elb("targetgroup/web/abc")], {}],
    ["elasticloadbalancing", "SetRulePriorities", { RulePriorities: [{ RuleArn: elb("listener-rule/app/f/1/2/3"), Priority: 1 }] }, [elb("listener-rule/app/f/1/2/3")], {}],
    ["elasticloadbalancing", "AddTags", { ResourceArns: [elb("targetgroup/web/abc")], Tags: [{ Key: "k", Value: "v" }] }, [elb("targetgroup/web/abc")], { "aws:RequestTag/k": "v", "aws:TagKeys": ["k"] }],
    ["servicediscovery", "ListNamespaces", {}, ["*"], {}],
    ["servicediscovery", "GetNamespace", { Id: "ns-1" }, ["arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1"], {}],
    [
      "servicediscovery",
      "CreateService",
      { Name: "api", DnsConfig: { NamespaceId: "ns-1", DnsRecords: [] } },
      ["arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1", "arn:aws:servicediscovery:us-east-1:123456789012:service/*"],
      { "servicediscovery:NamespaceArn": "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1" },
    ],
    ["servicediscovery", "RegisterInstance", { ServiceId: "srv-1", InstanceId: "i" }, ["arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"], { "servicediscovery:ServiceArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" }],
    ["servicediscovery", "DiscoverInstances", { NamespaceName: "n", ServiceName: "s" }, ["arn:aws:servicediscovery:us-east-1:123456789012:namespace/*", "arn:aws:servicediscovery:us-east-1:123456789012:service/*"], { "servicediscovery:NamespaceName": "n", "servicediscovery:ServiceName": "s" }],
    ["iam", "ListRoles", {}, ["*"], {}],
    ["iam", "CreateRole", { RoleName: "app", Path: "/svc/", AssumeRolePolicyDocument: "{}" }, ["arn:aws:iam::123456789012:role/svc/app"], {}],
    ["iam", "GetRole", { RoleName: "app" }, ["arn:aws:iam::123456789012:role/app"], {}],
    ["iam", "AttachRolePolicy", { RoleName: "app", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, ["arn:aws:iam::123456789012:role/app"], { "iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
    ["iam", "CreatePolicy", { PolicyName: "p", PolicyDocument: "{}" }, ["arn:aws:iam::123456789012:policy/p"], {}],
    ["iam", "CreateAccessKey", { UserName: "bob" }, ["arn:aws:iam::123456789012:user/bob"], {}],
    ["iam", "GetPolicy", { PolicyArn: "arn:aws:iam::123456789012:policy/p" }, ["arn:aws:iam::123456789012:policy/p"], {}],
    [
      "sts",
      "AssumeRole",
      { RoleArn: "arn:aws:iam::123456789012:role/app", RoleSessionName: "s1", ExternalId: "x-1" },
      ["arn:aws:iam::123456789012:role/app"],
      { "sts:ExternalId": "x-1", "sts:RoleSessionName": "s1" },
    ],
    ["sts", "GetCallerIdentity", {}, ["*"], {}],
    ["secretsmanager", "ListSecrets", {}, ["*"], {}],
    ["secretsmanager", "CreateSecret", { Name: "db", SecretString: "x" }, ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????"], { "secretsmanager:Name": "db" }],
    [
      "secretsmanager",
      "GetSecretValue",
      { SecretId: "db", VersionStage: "AWSCURRENT" },
      ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????"],
      { "secretsmanager:SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????", "secretsmanager:VersionStage": "AWSCURRENT" },
    ],
    ["ssm", "GetParameter", { Name: "/app/db", WithDecryption: true }, ["arn:aws:ssm:us-east-1:123456789012:parameter/app/db"], {}],
    ["ssm", "GetParameter", { Name: "/app/db:3" }, ["arn:aws:ssm:us-east-1:123456789012:parameter/app/db"], {}],
    ["ssm", "GetParameter", { Name: "plain" }, ["arn:aws:ssm:us-east-1:123456789012:parameter/plain"], {}],
    ["ssm", "GetParameters", { Names: ["/a", "arn:aws:ssm:us-east-1:123456789012:parameter/b:prod"] }, ["arn:aws:ssm:us-east-1:123456789012:parameter/a", "arn:aws:ssm:us-east-1:123456789012:parameter/b"], {}],
    ["ssm", "GetParametersByPath", { Path: "/app/", Recursive: true }, ["arn:aws:ssm:us-east-1:123456789012:parameter/app"], { "ssm:Recursive": "true" }],
    ["ssm", "GetParametersByPath", { Path: "/" }, ["arn:aws:ssm:us-east-1:123456789012:parameter/"], {}],
    ["ssm", "PutParameter", { Name: "/app/db", Value: "v", Type: "SecureString", Overwrite: true }, ["arn:aws:ssm:us-east-1:123456789012:parameter/app/db"], { "ssm:Overwrite": "true" }],
    ["ssm", "DescribeParameters", {}, ["*"], {}],
    ["berth", "DescribeServiceDecisions", { cluster: "prod", service: "web" }, [ecs("service/prod/web")], { "ecs:cluster": ecs("cluster/prod") }],
    ["berth", "GetTaskLogs", { task: ecs("task/prod/t1") }, [ecs("task/prod/t1")], { "ecs:cluster": ecs("cluster/prod") }],
  ];
  for (const [service, op, input, resources, context] of table) {
    assert.deepEqual(requestResources(service, op, input, scope), { resources, context }, `${service} ${op} ${JSON.stringify(input)}`);
  }
});

test("requestResources: unknown operations and malformed input answer without throwing", () => {
  assert.deepEqual(requestResources("ecs", "NoSuchOperation", {}, scope), { resources: ["*"], context: {} });
  assert.deepEqual(requestResources("nope", "X", {}, scope), { resources: ["*"], context: {} });
  const junk: unknown[] = [null, undefined, 5, "x", [], { cluster: 5, tasks: "t", tags: [null, 3, { key: 1 }] }, { taskDefinition: {} }];
  for (const service of ["ecs", "ec2", "elasticloadbalancing", "servicediscovery", "iam", "sts", "secretsmanager", "ssm", "berth"] as ServicePrefix[]) {
    for (const op of operationsOf(service)) {
      for (const input of junk) {
        const r = requestResources(service, op, input, scope);
        assert.ok(r.resources.length > 0, `${service} ${op}`);
        for (const arn of r.resources) assert.ok(arn === "*" || arn.startsWith("arn:aws:"), `${service} ${op} ${arn}`);
      }
    }
  }
});
