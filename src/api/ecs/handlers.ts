// The ECS operations berth answers, each a thin call into the domain layer with the caller's
// account and region. Input arrives already checked against the ECS model.
import {
  accountSettings,
  agentSessions,
  attributes,
  serviceDeployments,
  serviceRevisions,
  services,
  capacityProviders,
  clusters,
  containerInstances,
  tagging,
  taskDefinitions,
  taskLaunch,
  tasks,
  taskProtection,
  taskSets,
  taskStateChanges,
  type Deps,
} from "../../domain/index.js";
import { EcsError } from "../../model/index.js";
import type { Handler } from "../json-service.js";

export function ecsHandlers(deps: Deps): Record<string, Handler> {
  return {
    // Clusters
    CreateCluster: async (ctx, input) => ({ cluster: await clusters.createCluster(deps, ctx.scope, input) }),
    DescribeClusters: (ctx, input) => clusters.describeClusters(deps, ctx.scope, input),
    ListClusters: (ctx, input) => clusters.listClusters(deps, ctx.scope, input),
    UpdateCluster: (ctx, input) => clusters.updateCluster(deps, ctx.scope, input),
    UpdateClusterSettings: (ctx, input) => clusters.updateClusterSettings(deps, ctx.scope, input),
    DeleteCluster: (ctx, input) => clusters.deleteCluster(deps, ctx.scope, input),
    PutClusterCapacityProviders: async (ctx, input) => {
      const rec = await capacityProviders.putClusterCapacityProviders(deps, ctx.scope, input);
      return { cluster: clusters.view(deps, rec, []) };
    },

    // Task definitions
    RegisterTaskDefinition: (ctx, input) => taskDefinitions.registerTaskDefinition(deps, ctx.scope, input),
    DescribeTaskDefinition: (ctx, input) => taskDefinitions.describeTaskDefinition(deps, ctx.scope, input),
    ListTaskDefinitions: (ctx, input) => taskDefinitions.listTaskDefinitions(deps, ctx.scope, input),
    ListTaskDefinitionFamilies: (ctx, input) => taskDefinitions.listTaskDefinitionFamilies(deps, ctx.scope, input),
    DeregisterTaskDefinition: (ctx, input) => taskDefinitions.deregisterTaskDefinition(deps, ctx.scope, input),
    DeleteTaskDefinitions: (ctx, input) => taskDefinitions.deleteTaskDefinitions(deps, ctx.scope, input),

    // Container instances and their attributes
    RegisterContainerInstance: (ctx, input) => containerInstances.registerContainerInstance(deps, ctx.scope, input),
    DeregisterContainerInstance: (ctx, input) => containerInstances.deregisterContainerInstance(deps, ctx.scope, input),
    DescribeContainerInstances: (ctx, input) => containerInstances.describeContainerInstances(deps, ctx.scope, input),
    ListContainerInstances: (ctx, input) => containerInstances.listContainerInstances(deps, ctx.scope, input),
    UpdateContainerInstancesState: (ctx, input) => containerInstances.updateContainerInstancesState(deps, ctx.scope, input),
    PutAttributes: (ctx, input) => attributes.putAttributes(deps, ctx.scope, input),
    DeleteAttributes: (ctx, input) => attributes.deleteAttributes(deps, ctx.scope, input),
    ListAttributes: (ctx, input) => attributes.listAttributes(deps, ctx.scope, input),

    // Services
    CreateService: (ctx, input) => services.createService(deps, ctx.scope, input),
    UpdateService: (ctx, input) => services.updateService(deps, ctx.scope, input),
    DeleteService: (ctx, input) => services.deleteService(deps, ctx.scope, input),
    DescribeServices: (ctx, input) => services.describeServices(deps, ctx.scope, input),
    ListServices: (ctx, input) => services.listServices(deps, ctx.scope, input),
    ListServiceDeployments: (ctx, input) => serviceDeployments.listServiceDeployments(deps, ctx.scope, input),
    DescribeServiceDeployments: (ctx, input) => serviceDeployments.describeServiceDeployments(deps, ctx.scope, input),
    DescribeServiceRevisions: (ctx, input) => serviceRevisions.describeServiceRevisions(deps, ctx.scope, input),
    StopServiceDeployment: (ctx, input) => serviceRevisions.stopServiceDeployment(deps, ctx.scope, input),

    // Task sets (services of the EXTERNAL deployment controller)
    CreateTaskSet: (ctx, input) => taskSets.createTaskSet(deps, ctx.scope, input),
    DescribeTaskSets: (ctx, input) => taskSets.describeTaskSets(deps, ctx.scope, input),
    UpdateTaskSet: (ctx, input) => taskSets.updateTaskSet(deps, ctx.scope, input),
    DeleteTaskSet: (ctx, input) => taskSets.deleteTaskSet(deps, ctx.scope, input),
    UpdateServicePrimaryTaskSet: (ctx, input) => taskSets.updateServicePrimaryTaskSet(deps, ctx.scope, input),

    // Tasks, and what agents report about them
    RunTask: (ctx, input) => taskLaunch.runTask(deps, ctx.scope, input),
    StartTask: (ctx, input) => taskLaunch.startTask(deps, ctx.scope, input),
    StopTask: (ctx, input) => tasks.stopTask(deps, ctx.scope, input),
    DescribeTasks: (ctx, input) => tasks.describeTasks(deps, ctx.scope, input),
    ListTasks: (ctx, input) => tasks.listTasks(deps, ctx.scope, input),
    GetTaskProtection: (ctx, input) => taskProtection.getTaskProtection(deps, ctx.scope, input),
    UpdateTaskProtection: (ctx, input) => taskProtection.updateTaskProtection(deps, ctx.scope, input),
    SubmitTaskStateChange: (ctx, input) => taskStateChanges.submitTaskStateChange(deps, ctx.scope, input),
    SubmitContainerStateChange: (ctx, input) => taskStateChanges.submitContainerStateChange(deps, ctx.scope, input),
    SubmitAttachmentStateChanges: (ctx, input) => taskStateChanges.submitAttachmentStateChanges(deps, ctx.scope, input),
    DiscoverPollEndpoint: (ctx, input) => agentSessions.discoverPollEndpoint(deps, ctx.scope, ctx.baseUrl, input),
    // berth's agent is updated with berth itself, as on instances ECS does not manage.
    UpdateContainerAgent: () => {
      throw new EcsError("NoUpdateAvailableException", "There is no update available for your container agent.");
    },

    // Capacity providers
    CreateCapacityProvider: (ctx, input) => capacityProviders.createCapacityProvider(deps, ctx.scope, input),
    DescribeCapacityProviders: (ctx, input) => capacityProviders.describeCapacityProviders(deps, ctx.scope, input),
    UpdateCapacityProvider: (ctx, input) => capacityProviders.updateCapacityProvider(deps, ctx.scope, input),
    DeleteCapacityProvider: (ctx, input) => capacityProviders.deleteCapacityProvider(deps, ctx.scope, input),

    // Tags and account settings
    TagResource: (ctx, input) => tagging.tagResource(deps, ctx.scope, input),
    UntagResource: (ctx, input) => tagging.untagResource(deps, ctx.scope, input),
    ListTagsForResource: (ctx, input) => tagging.listTagsForResource(deps, ctx.scope, input),
    ListAccountSettings: (ctx, input) => accountSettings.listAccountSettings(deps, ctx.scope, input),
    PutAccountSetting: (ctx, input) => accountSettings.putAccountSetting(deps, ctx.scope, input),
    PutAccountSettingDefault: (ctx, input) => accountSettings.putAccountSettingDefault(deps, ctx.scope, input),
    DeleteAccountSetting: (ctx, input) => accountSettings.deleteAccountSetting(deps, ctx.scope, input),
  };
}
