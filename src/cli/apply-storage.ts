// What `berth apply` makes for Kubernetes claims before the task definitions that use them: the
// EFS file system of each ReadWriteMany claim (k8s/volumes-to-ecs.ts), found again by its
// creation token, so applying the same files twice makes one file system. The translation
// leaves the token in the task definition's fileSystemId; the id replaces it here.
import type { RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { restJsonCall } from "../client/index.js";
import type { CliContext } from "./context.js";
import { write } from "./output.js";

export interface ClaimFileSystem {
  claimName: string;
  creationToken: string;
}

/** A well-formed id for checking documents whose file system apply has yet to create. */
const NOT_YET_CREATED = "fs-00000000000000000";

interface FileSystemsAnswer {
  FileSystems?: { FileSystemId: string }[];
}

async function efs<T>(ctx: CliContext, method: string, path: string, query?: Record<string, string>, body?: object): Promise<T> {
  const credentials = await ctx.ecs.config.credentials();
  return restJsonCall<T>({ endpoint: ctx.connection.endpoint, region: ctx.connection.region, credentials, service: "elasticfilesystem", timeoutMs: 60_000 }, method, path, query, body);
}

/** Each claim's file system id where it exists already, and a placeholder where apply will make it. */
export async function lookUpClaimFileSystems(ctx: CliContext, claims: readonly ClaimFileSystem[]): Promise<{ ids: Map<string, string>; missing: ClaimFileSystem[] }> {
  const ids = new Map<string, string>();
  const missing: ClaimFileSystem[] = [];
  for (const c of claims) {
    const found = await efs<FileSystemsAnswer>(ctx, "GET", "/2015-02-01/file-systems", { CreationToken: c.creationToken });
    const id = found.FileSystems?.[0]?.FileSystemId;
    if (id) ids.set(c.creationToken, id);
    else {
      missing.push(c);
      ids.set(c.creationToken, NOT_YET_CREATED);
    }
  }
  return { ids, missing };
}

/** Creates the missing file systems (a dry run says it would); returns every token's id. */
export async function createClaimFileSystems(ctx: CliContext, found: { ids: Map<string, string>; missing: ClaimFileSystem[] }, dry: boolean): Promise<Map<string, string>> {
  const ids = new Map(found.ids);
  for (const c of found.missing) {
    if (dry) {
      write(`PersistentVolumeClaim/${c.claimName}: would create an EFS file system (creation token ${c.creationToken})`);
      continue;
    }
    const fs = await efs<{ FileSystemId: string }>(ctx, "POST", "/2015-02-01/file-systems", {}, {
      CreationToken: c.creationToken,
      Tags: [{ Key: "Name", Value: c.claimName }],
    });
    ids.set(c.creationToken, fs.FileSystemId);
    write(`PersistentVolumeClaim/${c.claimName}: created EFS file system ${fs.FileSystemId}`);
  }
  return ids;
}

/** The task definitions with each claim's creation token in fileSystemId replaced by its id. */
export function withFileSystemIds(tds: readonly RegisterTaskDefinitionCommandInput[], ids: ReadonlyMap<string, string>): RegisterTaskDefinitionCommandInput[] {
  return tds.map((td) => {
    if (!td.volumes?.some((v) => v.efsVolumeConfiguration?.fileSystemId && ids.has(v.efsVolumeConfiguration.fileSystemId))) return td;
    return {
      ...td,
      volumes: td.volumes.map((v) => {
        const id = v.efsVolumeConfiguration?.fileSystemId ? ids.get(v.efsVolumeConfiguration.fileSystemId) : undefined;
        return id ? { ...v, efsVolumeConfiguration: { ...v.efsVolumeConfiguration, fileSystemId: id } } : v;
      }),
    };
  });
}
