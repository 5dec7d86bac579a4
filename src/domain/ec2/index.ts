// EC2's network subset: VPCs, subnets, security groups, and the ENIs of awsvpc tasks.
export { createVpc, describeVpcs, deleteVpc } from "./vpcs.js";
export { createSubnet, describeSubnets, deleteSubnet } from "./subnets.js";
export { createSecurityGroup, describeSecurityGroups, deleteSecurityGroup, authorizeIngress, revokeIngress } from "./security-groups.js";
export { describeNetworkInterfaces } from "./network-interfaces.js";
export { ensureDefaultVpc, DEFAULT_VPC_CIDR, availabilityZones } from "./default-vpc.js";
