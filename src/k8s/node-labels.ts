// Node labels (Kubernetes) ↔ container instance attributes (ECS). The well-known labels have
// built-in ECS attributes with the same meaning; every other label becomes a custom attribute
// of the same name, which the operator sets on instances (PutAttributes) as they would label
// nodes. Both sides allow the same characters in these names and values, so custom ones pass
// through unchanged.

interface WellKnown {
  label: string;
  attribute: string;
  /** Kubernetes value → ECS value, where they differ. */
  values?: Record<string, string>;
}

const WELL_KNOWN: readonly WellKnown[] = [
  { label: "kubernetes.io/arch", attribute: "ecs.cpu-architecture", values: { amd64: "x86_64", arm64: "arm64" } },
  { label: "kubernetes.io/os", attribute: "ecs.os-type" },
  { label: "node.kubernetes.io/instance-type", attribute: "ecs.instance-type" },
  { label: "topology.kubernetes.io/zone", attribute: "ecs.availability-zone" },
];

/** Deprecated labels that mean the same as a well-known one (read, never written). */
const ALIASES: Record<string, string> = {
  "beta.kubernetes.io/arch": "kubernetes.io/arch",
  "beta.kubernetes.io/os": "kubernetes.io/os",
  "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
};

export interface AttributeName {
  attribute: string;
  builtIn: boolean;
}

export function labelToAttribute(label: string): AttributeName {
  const canonical = ALIASES[label] ?? label;
  const known = WELL_KNOWN.find((w) => w.label === canonical);
  return known ? { attribute: known.attribute, builtIn: true } : { attribute: label, builtIn: false };
}

export function attributeToLabel(attribute: string): string {
  return WELL_KNOWN.find((w) => w.attribute === attribute)?.label ?? attribute;
}

export function labelValueToAttributeValue(label: string, value: string): string {
  const known = WELL_KNOWN.find((w) => w.label === (ALIASES[label] ?? label));
  return known?.values?.[value] ?? value;
}

export function attributeValueToLabelValue(attribute: string, value: string): string {
  const known = WELL_KNOWN.find((w) => w.attribute === attribute);
  const entry = Object.entries(known?.values ?? {}).find(([, ecs]) => ecs === value);
  return entry ? entry[0] : value;
}

/** Topology keys (spread) → an ECS spread field. */
export function topologyKeyToSpreadField(key: string): string {
  if (key === "kubernetes.io/hostname") return "instanceId";
  return `attribute:${labelToAttribute(key).attribute}`;
}

export function spreadFieldToTopologyKey(field: string): string {
  if (field === "instanceId" || field === "host") return "kubernetes.io/hostname";
  return attributeToLabel(field.replace(/^attribute:/, ""));
}
