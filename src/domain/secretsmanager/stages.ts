// Staging labels when a version is added (CreateSecret, PutSecretValue): pure. The rules, from
// the PutSecretValue reference:
//   - without VersionStages the new version gets AWSCURRENT; the first version always gets it;
//   - a label the new version takes is removed from whichever version had it;
//   - when AWSCURRENT moves, the version it left gets AWSPREVIOUS (taken from whichever had it);
//   - past MAX_VERSIONS, the oldest versions without labels (deprecated) are dropped.
// Example: [v1 {AWSCURRENT}], add v2 → [v1 {AWSPREVIOUS}, v2 {AWSCURRENT}]; add v3 →
// [v1 {}, v2 {AWSPREVIOUS}, v3 {AWSCURRENT}] — v1 is deprecated, kept until the cap.
import { AWSCURRENT, AWSPREVIOUS, MAX_VERSIONS, type SecretRecord } from "./records.js";

type Versions = SecretRecord["versions"];

export interface AddedVersion {
  versions: Versions;
  /** The new version's labels. */
  stages: string[];
  /** Versions dropped to stay within the cap: their value records go too. */
  dropped: string[];
}

export function addVersion(versions: Versions, id: string, created: number, requested?: readonly string[], max = MAX_VERSIONS): AddedVersion {
  const stages = [...new Set(requested ?? [AWSCURRENT])];
  if (versions.length === 0 && !stages.includes(AWSCURRENT)) stages.push(AWSCURRENT);
  const previousCurrent = versions.find((v) => v.stages.includes(AWSCURRENT));
  const movePrevious = stages.includes(AWSCURRENT) && previousCurrent !== undefined && !stages.includes(AWSPREVIOUS);
  let next: Versions = versions.map((v) => {
    let kept = v.stages.filter((s) => !stages.includes(s));
    if (movePrevious) {
      kept = kept.filter((s) => s !== AWSPREVIOUS);
      if (v.id === previousCurrent!.id) kept.push(AWSPREVIOUS);
    }
    return { id: v.id, stages: kept, created: v.created };
  });
  next.push({ id, stages, created });
  const dropped: string[] = [];
  while (next.length > max) {
    const oldest = next.find((v) => v.stages.length === 0);
    if (!oldest) break;
    dropped.push(oldest.id);
    next = next.filter((v) => v !== oldest);
  }
  return { versions: next, stages, dropped };
}

/** VersionIdsToStages: the versions that carry labels. */
export function stagesByVersion(versions: Versions): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const v of versions) if (v.stages.length > 0) out[v.id] = [...v.stages];
  return Object.keys(out).length > 0 ? out : undefined;
}
