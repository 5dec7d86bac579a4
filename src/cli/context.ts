// The flags every client command shares (--endpoint, --cluster, --region, --profile), and the
// clients built from them: the official ECS SDK client for ECS's operations, and a small signed
// POST for berth's own.
import { ECSClient } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { resolveConnection, type Connection } from "./aws-config.js";
import { CliError } from "./errors.js";
import { jsonCall, JsonCallError } from "../client/index.js";
import { keepTaskDefinitionOnErrors } from "./request-subject.js";
import { colorWanted, makeStyle, type Style } from "./style.js";

export const GLOBAL_GROUP = "Global options:";
export const DEFAULT_CLUSTER = "default";
export const BERTH_TARGET_PREFIX = "Berth_20261128";

export interface GlobalFlags {
  endpoint?: string;
  cluster?: string;
  region?: string;
  profile?: string;
  color?: boolean;
}

/** Adds the shared flags to a command, in their own help group. */
export function withGlobalFlags(cmd: Command): Command {
  const group = (o: Option) => o.helpGroup(GLOBAL_GROUP);
  return cmd
    .addOption(group(new Option("--endpoint <url>", "berth's API (env BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS; default http://127.0.0.1:4666)")))
    .addOption(group(new Option("--cluster <name>", "the cluster (env BERTH_CLUSTER; default: default)")))
    .addOption(group(new Option("--region <region>", "the region (env AWS_REGION; default us-east-1)")))
    .addOption(group(new Option("--profile <name>", "credentials and region from this AWS profile (env AWS_PROFILE)")))
    .addOption(group(new Option("--no-color", "never colour the output (colour is used only on a terminal)")));
}

export interface CliContext {
  connection: Connection;
  cluster: string;
  ecs: ECSClient;
  /** Calls one of berth's own operations (target prefix Berth_20261128). */
  berth<T>(operation: string, body: object): Promise<T>;
  flags: GlobalFlags;
}

let target: { endpoint?: string; cluster?: string } = {};

/** The endpoint and cluster of the command that ran, for its error line. */
export function currentTarget(): { endpoint?: string; cluster?: string } {
  return target;
}

/**
 * The flags of a command merged with its parents': a flag given on the command line wins over
 * one not given, and the command's own wins over its parents' (`berth --cluster a get ...` and
 * `berth get ... --cluster a` both work).
 */
export function mergedFlags(cmd: Command): GlobalFlags {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const out: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const c of chain) {
    for (const [k, v] of Object.entries(c.opts())) {
      const fromUser = c.getOptionValueSource(k) === "cli" || c.getOptionValueSource(k) === "env";
      if (fromUser || !given.has(k)) out[k] = v;
      if (fromUser) given.add(k);
    }
  }
  return out as GlobalFlags;
}

/** The context of a command, from its own flags merged over its parents'. */
export function contextOf(cmd: Command, env: NodeJS.ProcessEnv = process.env): CliContext {
  const flags = mergedFlags(cmd);
  const connection = resolveConnection(flags, env);
  target = { endpoint: connection.endpoint, cluster: flags.cluster ?? env.BERTH_CLUSTER ?? DEFAULT_CLUSTER };
  const ecs = new ECSClient({
    endpoint: connection.endpoint,
    region: connection.region,
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
    ...(connection.profile ? { profile: connection.profile } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 60_000 },
  });
  keepTaskDefinitionOnErrors(ecs);
  return {
    connection,
    cluster: flags.cluster ?? env.BERTH_CLUSTER ?? DEFAULT_CLUSTER,
    ecs,
    flags,
    berth: (operation, body) => callBerth(ecs, connection, operation, body),
  };
}

async function callBerth<T>(ecs: ECSClient, connection: Connection, operation: string, body: object): Promise<T> {
  const credentials = await ecs.config.credentials();
  try {
    // Signed for berth's own API ("berth"), as its requests are checked against that name.
    return await jsonCall<T>(
      { endpoint: connection.endpoint, region: connection.region, credentials, service: "berth", timeoutMs: 60_000 },
      BERTH_TARGET_PREFIX,
      operation,
      body,
    );
  } catch (err) {
    if (err instanceof JsonCallError && err.errorType === "NotJsonAnswer") {
      throw new CliError(`the server at ${connection.endpoint} did not answer ${operation} like berth (HTTP ${err.status}); check --endpoint`);
    }
    if (err instanceof JsonCallError) Object.assign(err, { $metadata: { httpStatusCode: err.status } });
    throw err;
  }
}

/** Colours for stdout, as the command's flags and the terminal allow. */
export function styleOf(cmd: Command): Style {
  return makeStyle(colorWanted(mergedFlags(cmd).color, process.stdout));
}
