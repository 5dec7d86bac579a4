// Starts a real control plane (SQLite in a temp directory, HTTP on a free loopback port) and
// an AWS SDK v3 ECS client pointed at it, as a user's code would be.
import { ECSClient } from "@aws-sdk/client-ecs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";

export interface TestServer {
  url: string;
  dataDir: string;
  cp: ControlPlane;
  ecs: ECSClient;
  client(region: string): ECSClient;
  close(): Promise<void>;
}

export function ecsClient(url: string, region = "us-east-1"): ECSClient {
  return new ECSClient({
    endpoint: url,
    region,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
}

export async function startTestServer(options: { allowReset?: boolean; scheduler?: boolean; loadBalancers?: boolean } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-test-"));
  const cp = await startControlPlane({
    dataDir,
    port: 0,
    logger: pino({ level: "silent" }),
    allowReset: !!options.allowReset,
    scheduler: options.scheduler ?? true,
    // API-only tests leave the load balancer controller off: no sockets, no health records.
    ...(options.loadBalancers === false ? { loadBalancers: false } : {}),
  });
  const clients: ECSClient[] = [];
  const client = (region: string) => {
    const c = ecsClient(cp.url, region);
    clients.push(c);
    return c;
  };
  return {
    url: cp.url,
    dataDir,
    cp,
    ecs: client("us-east-1"),
    client,
    async close() {
      for (const c of clients) c.destroy();
      await cp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns the error it throws (failing if it does not throw). */
export async function errorOf(fn: () => Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { name: string };
  }
  throw new Error("expected the call to fail, and it succeeded");
}
