// A container definition's `logConfiguration` for the awslogs driver, read into what the
// shipper needs: pure. The option names and their meaning are ECS's (and Docker's):
// awslogs-group, awslogs-region, awslogs-stream-prefix (stream `prefix/container/task-id`;
// without a prefix the stream is named for the container's runtime id, as Docker's driver
// names it on ECS with the EC2 launch type), awslogs-create-group, mode, max-buffer-size,
// awslogs-multiline-pattern, awslogs-datetime-format.
import { logsToAwslogs } from "../../model/index.js";
import { datetimePattern, DEFAULT_MAX_BUFFER_BYTES } from "./batching.js";

export interface AwslogsConfig {
  group: string;
  region: string;
  streamPrefix?: string;
  createGroup: boolean;
  mode: "blocking" | "non-blocking";
  /** Bytes the non-blocking buffer holds (Infinity in blocking mode: the local log is the buffer). */
  maxBufferBytes: number;
  /** The pattern that starts a new event (multiline-pattern or datetime-format), if any. */
  startPattern?: RegExp;
}

export type AwslogsParse = { ok: true; config: AwslogsConfig } | { ok: false; reason: string };

type Def = Record<string, unknown>;

/** True when the container logs through awslogs (the model's test, shared with the control plane's role vending). */
export const usesAwslogs = logsToAwslogs;

/** The container's awslogs configuration; `defaultRegion` (the task's) when awslogs-region is absent. */
export function awslogsConfig(definition: Def, defaultRegion: string): AwslogsParse {
  const log = (definition.logConfiguration ?? {}) as Def;
  const raw = (log.options ?? {}) as Record<string, unknown>;
  const opt = (k: string): string | undefined => (typeof raw[k] === "string" && raw[k] !== "" ? (raw[k] as string) : undefined);
  const fail = (why: string): AwslogsParse => ({ ok: false, reason: `failed to initialize logging driver: ${why}` });
  const group = opt("awslogs-group");
  if (!group) return fail("must specify a value for log opt 'awslogs-group'");
  const mode = opt("mode") ?? "blocking";
  if (mode !== "blocking" && mode !== "non-blocking") return fail(`unknown mode ${JSON.stringify(mode)}: mode is blocking or non-blocking`);
  let maxBufferBytes = Infinity;
  if (mode === "non-blocking") {
    const size = opt("max-buffer-size");
    const parsed = size === undefined ? DEFAULT_MAX_BUFFER_BYTES : parseSize(size);
    if (parsed === undefined) return fail(`invalid max-buffer-size ${JSON.stringify(size)}: a size such as 4m, 512k or 1000000`);
    maxBufferBytes = parsed;
  }
  const multiline = opt("awslogs-multiline-pattern");
  const datetime = opt("awslogs-datetime-format");
  if (multiline && datetime) return fail("you cannot configure log opt 'awslogs-datetime-format' and 'awslogs-multiline-pattern' at the same time");
  let startPattern: RegExp | undefined;
  try {
    if (multiline) startPattern = new RegExp(multiline);
    else if (datetime) startPattern = datetimePattern(datetime);
  } catch (err) {
    return fail(`awslogs could not parse ${multiline ? "awslogs-multiline-pattern" : "awslogs-datetime-format"}: ${(err as Error).message}`);
  }
  const createGroup = opt("awslogs-create-group");
  if (createGroup !== undefined && !/^(true|false|1|0)$/i.test(createGroup)) return fail(`invalid awslogs-create-group ${JSON.stringify(createGroup)}: true or false`);
  const prefix = opt("awslogs-stream-prefix");
  return {
    ok: true,
    config: {
      group,
      region: opt("awslogs-region") ?? defaultRegion,
      ...(prefix ? { streamPrefix: prefix } : {}),
      createGroup: createGroup !== undefined && /^(true|1)$/i.test(createGroup),
      mode,
      maxBufferBytes,
      ...(startPattern ? { startPattern } : {}),
    },
  };
}

/** `prefix/container/task-id`, or the runtime's container id without a prefix. */
export function streamName(config: Pick<AwslogsConfig, "streamPrefix">, containerName: string, taskId: string, runtimeId: string): string {
  return config.streamPrefix ? `${config.streamPrefix}/${containerName}/${taskId}` : runtimeId;
}

/** Docker's size units (units.RAMInBytes): 1000000, 512k, 4m, 1g; binary multiples. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  const n = Math.floor(Number(m[1]) * mult);
  return n > 0 ? n : undefined;
}
