// AWS Cloud Map (servicediscovery): namespaces, services, instances and their operations,
// over the same store and cache as ECS.
export * as namespaces from "./namespaces.js";
export * as sdServices from "./services.js";
export * as instances from "./instances.js";
export * as operations from "./operations.js";
export * as discovery from "./discover.js";
export { sdKeys } from "./records.js";
export type { DnsRecord, InstanceRecord, NamespaceRecord, ServiceRecord } from "./records.js";
export { answerQuery, type DnsAnswer, type DnsRr } from "./dns-answer.js";
export { observeZone } from "./dns-view.js";
