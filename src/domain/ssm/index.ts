// AWS Systems Manager Parameter Store: parameters in hierarchies, versions, SecureString values
// sealed at rest by the vault (../secrets), over the same store and cache as ECS.
export { putParameter, deleteParameter, deleteParameters } from "./parameters.js";
export { getParameter, getParameters, getParametersByPath, readParameter, valueOf as parameterValue, type ReadParameter } from "./read.js";
export { describeParameters } from "./describe.js";
export { addTagsToResource, removeTagsFromResource, listTagsForResource } from "./tags.js";
export { parameterArn, parseRef } from "./names.js";
export { ssmKeys, type ParameterRecord, type ParameterVersionRecord } from "./records.js";
