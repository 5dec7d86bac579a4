// ECS's words for a value outside a model enum: `<field> should be one of [A, B, C]`, as its
// InvalidParameterException says it (e.g. for launchType), where other AWS JSON services name
// the member and list the values their own way (validate.ts's default).
export function ecsEnumMessage(path: string, allowed: readonly string[]): string {
  return `${path} should be one of [${allowed.join(", ")}]`;
}
