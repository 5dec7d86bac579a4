// The web console's first load with a cluster of 1,000 services, in Chromium (Debian's, through
// playwright-core): the bytes the page's own assets cost over the wire (HTML, CSS, ES modules;
// gzipped as berth sends them), the API bytes it then reads to show the services, Chromium's
// first paint and first contentful paint, and the time until the 1,000-row table is on screen.
// The services are created through the domain directly (the API would only add minutes); the
// scheduler is off, so nothing changes while the page loads. Each figure is the median of the
// runs, each in a fresh browser context (a cold cache).
// Run: npm run bench -- console   (or: node --import tsx bench/console.ts [--services 1000] [--runs 5])
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { chromium } from "playwright-core";
import { startControlPlane } from "../src/api/index.js";
import { clusters, services, taskDefinitions } from "../src/domain/index.js";
import { flag } from "./flags.js";

const SERVICES = flag("services", 1000);
const RUNS = flag("runs", 5);
const CHROMIUM = process.env.BERTH_CHROMIUM ?? "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  process.stdout.write(`Skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set BERTH_CHROMIUM).\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "berth-bench-console-"));
const cp = await startControlPlane({ dataDir: dir, port: 0, scheduler: false, loadBalancers: false, logger: pino({ level: "silent" }) });
const scope = { accountId: "000000000000", region: "us-east-1" };
await clusters.createCluster(cp.deps, scope, { clusterName: "bench" });
await taskDefinitions.registerTaskDefinition(cp.deps, scope, {
  family: "web",
  containerDefinitions: [{ name: "web", image: "busybox", memory: 64, essential: true }],
} as Parameters<typeof taskDefinitions.registerTaskDefinition>[2]);
for (let i = 0; i < SERVICES; i++) {
  await services.createService(cp.deps, scope, { cluster: "bench", serviceName: `svc-${String(i).padStart(4, "0")}`, taskDefinition: "web", desiredCount: 1 } as Parameters<typeof services.createService>[2]);
}

interface Run {
  assetBytes: number;
  apiBytes: number;
  requests: number;
  firstPaint: number;
  firstContentfulPaint: number;
  firstRowsMs: number;
  tableMs: number;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
const runs: Run[] = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    // Bytes as received on the wire, per request (headers and compressed bodies).
    const urls = new Map<string, string>();
    let assetBytes = 0;
    let apiBytes = 0;
    let requests = 0;
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, `${e.request.method} ${e.request.url}`));
    cdp.on("Network.loadingFinished", (e) => {
      const what = urls.get(e.requestId) ?? "";
      requests++;
      if (what.startsWith("POST ")) apiBytes += e.encodedDataLength;
      else assetBytes += e.encodedDataLength;
    });
    await page.goto(`${cp.url}/#/clusters/bench`);
    await page.locator("tr[data-key=svc-0000]").waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => performance.getEntriesByName("berth:services-rendered").length > 0);
    const timing = await page.evaluate(() => {
      const paint = Object.fromEntries((performance.getEntriesByType as (type: string) => { name: string; startTime: number }[])("paint").map((p) => [p.name, p.startTime]));
      return { fp: paint["first-paint"] ?? NaN, fcp: paint["first-contentful-paint"] ?? NaN, table: performance.getEntriesByName("berth:services-rendered")[0]!.startTime, rows: performance.getEntriesByName("berth:services-first-rows")[0]?.startTime ?? NaN };
    });
    const rows = await page.locator("tbody tr").count();
    if (rows !== SERVICES) throw new Error(`the page shows ${rows} services, not ${SERVICES}`);
    runs.push({ assetBytes, apiBytes, requests, firstPaint: timing.fp, firstContentfulPaint: timing.fcp, firstRowsMs: timing.rows, tableMs: timing.table });
    await context.close();
  }
} finally {
  await browser.close();
  await cp.close();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${Math.round(n)} ms`;
const m = (k: keyof Run) => median(runs.map((r) => r[k]));
process.stdout.write(
  [
    `A cluster of ${SERVICES} services, opened cold at \`/#/clusters/bench\` in Chromium ${browser.version()} (headless), median of ${RUNS} runs.`,
    "",
    "| measure | value |",
    "|---|---|",
    `| first load: the page's assets (HTML, CSS, ES modules, config), as transferred | ${kb(m("assetBytes"))} (target < 200 KB) |`,
    `| API responses read to show the ${SERVICES} services (ListServices, DescribeServices ×${Math.ceil(SERVICES / 10)}) | ${kb(m("apiBytes"))} |`,
    `| requests in all | ${m("requests")} |`,
    `| first paint | ${ms(m("firstPaint"))} |`,
    `| first contentful paint | ${ms(m("firstContentfulPaint"))} |`,
    `| the first services on screen (the table fills in as descriptions arrive) | ${ms(m("firstRowsMs"))} |`,
    `| all ${SERVICES} services on screen | ${ms(m("tableMs"))} |`,
    "",
  ].join("\n"),
);
