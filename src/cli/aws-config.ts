// Where the CLI finds its endpoint, region and credentials, in the order a person expects:
// flags, then environment, then the AWS config files, then berth's defaults. A local-mode
// server takes any key it does not know as the account's root, so with none configured the CLI
// signs with placeholder keys (a strict server refuses them: configure an IAM key).
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { usageError } from "./errors.js";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:4666";
export const DEFAULT_REGION = "us-east-1";
export const PLACEHOLDER_CREDENTIALS = { accessKeyId: "berth", secretAccessKey: "berth" } as const;

export interface ConnectionFlags {
  endpoint?: string;
  region?: string;
  profile?: string;
}

export interface Connection {
  endpoint: string;
  region: string;
  /** Set when a profile names the credentials; the SDK then reads them from the AWS files. */
  profile?: string;
  /** Static credentials (environment or placeholders); absent when `profile` is set. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const endpoint = flags.endpoint ?? env.BERTH_ENDPOINT ?? env.AWS_ENDPOINT_URL_ECS ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(`--endpoint ${JSON.stringify(endpoint)} is not a URL; give one like ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`--endpoint ${JSON.stringify(endpoint)} must start with http:// or https://`);
  }
  const profile = flags.profile ?? env.AWS_PROFILE;
  const region =
    flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (profile ? profileRegion(profile, env) : undefined) ?? DEFAULT_REGION;
  const base = { endpoint: endpoint.replace(/\/+$/, ""), region };
  // Keys in the environment win over a profile, as in the AWS CLI.
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      ...base,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      },
    };
  }
  if (profile) return { ...base, profile };
  return { ...base, credentials: { ...PLACEHOLDER_CREDENTIALS } };
}

/** The `region` of a profile in the AWS config file, if it has one. */
export function profileRegion(profile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.AWS_CONFIG_FILE ?? join(homedir(), ".aws", "config");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return readIniValue(text, profile === "default" ? ["default", "profile default"] : [`profile ${profile}`], "region");
}

/** A key of the first matching [section] of an INI text. */
export function readIniValue(text: string, sections: readonly string[], key: string): string | undefined {
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      inSection = sections.includes(header[1]!);
      continue;
    }
    if (!inSection) continue;
    const m = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (m && m[1] === key) return m[2]!;
  }
  return undefined;
}
