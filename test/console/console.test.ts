// The web console driven by a real Chromium (Debian's, through playwright-core) against a real
// control plane and an agent with the process runtime: open a service, force a new deployment
// from the page, watch PRIMARY and ACTIVE progress and the events change without a reload, scale
// from the keyboard, and follow a task's logs live. Screenshots of each screen go to a temp
// dir, or to docs/console/ with BERTH_UPDATE_SCREENSHOTS=1.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { type ControlPlane, startControlPlane } from "../../src/api/index.js";
import { clusters } from "../../src/domain/index.js";
import { type Cluster, startCluster, until } from "../agent/harness.js";

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set BERTH_CHROMIUM)`;
const shots = process.env.BERTH_UPDATE_SCREENSHOTS ? fileURLToPath(new URL("../../docs/console/", import.meta.url)) : undefined;

/** A container that writes a numbered line every 200 ms and exits 1.5 s after SIGTERM (a graceful drain, which keeps a rollout on screen). */
const talker = {
  name: "app",
  image: "busybox",
  memory: 64,
  essential: true,
  command: [process.execPath, "-e", `let n = 0; setInterval(() => console.log("hello " + n++), 200); process.on("SIGTERM", () => setTimeout(() => process.exit(0), 1500));`],
};

describe("web console", { skip, timeout: 180_000 }, () => {
  let c: Cluster;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = async (name: string) => {
    const dir = shots ?? join(c.dir, "screenshots");
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  };
  const service = async () => (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["web"] }))).services![0]!;

  before(async () => {
    c = await startCluster();
    await c.startAgent({ bridgeNamespaces: false });
    const td = await c.registerTaskDefinition("web", [talker]);
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "web",
        taskDefinition: td,
        desiredCount: 2,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150 },
      }),
    );
    await until("web running 2 tasks", async () => (await service()).runningCount === 2, 30_000, 200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "UTC" });
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("response", async (r) => {
      if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.request().postData()?.slice(0, 200)} → ${(await r.text().catch(() => "")).slice(0, 300)}`);
    });
  });
  after(async () => {
    await browser?.close();
    // The service's tasks stop first: none may be starting while the agent is taken down.
    if (c) {
      await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "web", desiredCount: 0 })).catch(() => undefined);
      await until("web's tasks gone", async () => {
        const s = await service();
        return s.runningCount === 0 && s.pendingCount === 0 && s.deployments!.length === 1;
      }, 30_000, 200).catch(() => undefined);
    }
    await c?.close();
  });

  it("lists clusters and a cluster's services with their counts", async () => {
    await page.goto(`${c.cp.url}/`);
    const row = page.locator("tr[data-key=default]");
    await row.waitFor();
    assert.match(await row.innerText(), /default\s+ACTIVE\s+1\s+2\s+0\s+1/);
    await shot("clusters");
    await row.getByRole("link", { name: "default" }).click();
    const web = page.locator("tr[data-key=web]");
    await web.waitFor();
    assert.match(await web.innerText(), /web\s+ACTIVE\s+2\s+2\s+0\s+1\s+(IN_PROGRESS|COMPLETED)\s+web:1/);
    await shot("services");
  });

  it("forces a new deployment from the page and shows PRIMARY and ACTIVE progress and events without a reload", async () => {
    await page.getByRole("link", { name: "web" }).click();
    await page.locator("[data-deployment=PRIMARY]").waitFor();
    await until("the tasks table", () => page.locator("tbody tr").count().then((n) => n >= 2));
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const eventsBefore = await page.locator("#events li").count();
    const before = (await service()).deployments!.map((d) => d.id);

    await page.getByRole("button", { name: "Force new deployment…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Force new deployment" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await page.locator("#action-result").innerText(), "", "the action succeeded");

    // The old deployment shows as ACTIVE beside the new PRIMARY while tasks are replaced.
    await page.locator("[data-deployment=ACTIVE]").waitFor({ timeout: 15_000 });
    await shot("service-rollout");
    // Both cards read at once: the rollout may move on between two reads.
    const cards = await page.locator("[data-deployment]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-deployment"), e.querySelector("h3 span:nth-child(2)")?.textContent]));
    const primaryId = cards.find(([s]) => s === "PRIMARY")?.[1];
    assert.ok(primaryId && !before.includes(primaryId), `a new PRIMARY deployment (${primaryId}; before: ${before})`);
    assert.deepEqual(cards.find(([s]) => s === "ACTIVE")?.[1], before[0]);
    // The rollout completes on the page: PRIMARY 2 of 2, ACTIVE gone, newer events listed.
    await page.locator("[data-deployment=ACTIVE]").waitFor({ state: "detached", timeout: 60_000 });
    await until("PRIMARY at 2 / 2", async () => (await page.locator("[data-deployment=PRIMARY] [data-field=running]").innerText()) === "2 / 2", 30_000, 100);
    await until("newer events", async () => (await page.locator("#events li").count()) > eventsBefore, 15_000, 100);
    assert.match(await page.locator("#events li").first().innerText(), /web/);
    const bar = page.getByRole("progressbar").first();
    assert.equal(await bar.getAttribute("aria-valuenow"), "2");
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, "the page was not reloaded");
    // The timeline has one line per deployment; the decision log is listed.
    assert.equal(await page.locator("svg.chart path").count() >= 2, true);
    assert.ok((await page.locator("[aria-label='Decision log'] li").count()) > 0);
    // The deployment history lists both deployments, the old one finished.
    await until("two deployments in the history", async () => (await page.locator("#history tbody tr").count()) === 2, 10_000, 100);
    assert.match(await page.locator("#history tbody tr").first().innerText(), /SUCCESSFUL|IN_PROGRESS/);
    // CPU and memory come from CloudWatch's GetMetricStatistics (a chart, data or not yet).
    await page.getByRole("img", { name: /CPU and memory utilization of web/ }).waitFor();
    await shot("service");
  });

  it("scales from the keyboard through the confirmation dialog", async () => {
    await page.getByRole("button", { name: "Scale…" }).focus();
    await page.keyboard.press("Enter");
    const input = page.getByLabel("Desired tasks");
    await input.waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement?: { id: string } } }).document.activeElement?.id), "desired", "the dialog's field has the focus");
    await input.fill("3");
    await page.keyboard.press("Enter");
    await until("desiredCount 3", async () => (await service()).desiredCount === 3, 10_000, 100);
    await until("the page shows 3 desired", async () => (await page.locator("#counts").innerText()).startsWith("3 /"), 10_000, 100);
    // Cancel changes nothing.
    await page.getByRole("button", { name: "Scale…" }).click();
    await page.getByLabel("Desired tasks").fill("0");
    await page.getByRole("button", { name: "Cancel" }).click();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await service()).desiredCount, 3);
  });

  it("follows a task's logs live", async () => {
    const running = page.locator("tbody tr", { hasText: "RUNNING" }).first();
    await running.getByRole("link").click();
    const logs = page.locator("#logs");
    await until("log lines", async () => /hello \d+/.test(await logs.innerText()), 15_000, 100);
    const last = async () => Math.max(...[...(await logs.innerText()).matchAll(/hello (\d+)/g)].map((m) => Number(m[1])));
    const first = await last();
    await until("newer log lines without a reload", async () => (await last()) > first + 3, 15_000, 100);
    assert.match(await page.locator("#log-state").innerText(), /Following live/);
    assert.match(await page.getByRole("table").innerText(), /app\s+busybox\s+RUNNING/);
    await shot("task");
  });

  it("stops a task through the confirmation dialog, and the page shows it stopping", async () => {
    await page.getByRole("link", { name: "web", exact: true }).click();
    const row = page.locator("tbody tr", { has: page.getByRole("button", { name: /^Stop task / }) }).first();
    await row.waitFor();
    const id = await row.getAttribute("data-key");
    await row.getByRole("button", { name: `Stop task ${id}` }).click();
    const dialog = page.getByRole("dialog");
    assert.equal(await dialog.getByLabel("Reason (optional)").inputValue(), "Stopped from the berth console");
    await dialog.getByRole("button", { name: "Stop task" }).click();
    await until("the task stopped by the console", async () => {
      const t = (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [id!] }))).tasks![0]!;
      return t.desiredStatus === "STOPPED" && t.stoppedReason === "Stopped from the berth console";
    }, 10_000, 100);
    await until("the row shows it", async () => /STOPPED/.test(await page.locator(`tbody tr[data-key="${id}"]`).innerText()), 10_000, 100);
    assert.match(await page.locator(`tbody tr[data-key="${id}"]`).innerText(), /Stopped from the berth console/);
  });

  it("the page logged no errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe("web console in strict mode", { skip, timeout: 60_000 }, () => {
  const KEY = { accessKeyId: "AKIACONSOLESTRICT001", secretAccessKey: "console-strict-secret-0123456789" };
  let cp: ControlPlane;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "berth-console-strict-"));
    cp = await startControlPlane({ dataDir: dir, port: 0, scheduler: false, loadBalancers: false, logger: pino({ level: "silent" }), auth: "strict", rootKeys: [KEY] });
    await clusters.createCluster(cp.deps, { accountId: "000000000000", region: "us-east-1" }, { clusterName: "prod" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    await browser?.close();
    await cp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("asks for a key, signs in the browser, refuses a wrong secret, and stays live over a presigned stream", async () => {
    const page = await browser.newPage({ locale: "en-US", timezoneId: "UTC" });
    await page.goto(`${cp.url}/`);
    await page.getByLabel("Access key ID").waitFor();
    if (shots) await page.screenshot({ path: join(shots, "sign-in.png") });
    await page.getByLabel("Access key ID").fill(KEY.accessKeyId);
    await page.getByLabel("Secret access key").fill("not-the-secret");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    assert.match(await page.getByRole("alert").innerText(), /SignatureDoesNotMatch|InvalidSignature|signature/i);

    await page.getByLabel("Access key ID").fill(KEY.accessKeyId);
    await page.getByLabel("Secret access key").fill(KEY.secretAccessKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("tr[data-key=prod]").waitFor();
    await until("the event stream open", async () => (await page.locator("#live").innerText()) === "live", 10_000, 50);
    // Another cluster appears through the (presigned) event stream, without a reload.
    await clusters.createCluster(cp.deps, { accountId: "000000000000", region: "us-east-1" }, { clusterName: "staging" });
    await page.locator("tr[data-key=staging]").waitFor({ timeout: 10_000 });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access key ID").waitFor();
  });
});
