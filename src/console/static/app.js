// The console page: a hash router over four screens (clusters, a cluster's services, a
// service, a task). Each screen reads through berth's API (api.js) and listens to the event
// stream for the names of what changed, then reads only those again: nothing polls and the
// page never reloads.
import { ApiError, call, config, credentials, describeAll, eventsUrl, listAll, loadConfig, setCredentials } from "./api.js";
import { lineChart, timelineSeries, toMs } from "./chart.js";
import { serviceUtilization } from "./metrics.js";

const main = document.getElementById("main");
const liveStatus = document.getElementById("live");

/** Builds an element: attributes (on* become listeners), then children (strings, nodes, arrays, null). */
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  e.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return e;
}

const idOf = (arn) => (arn ?? "").split("/").pop();
const when = (t) => (t === undefined ? "" : new Date(toMs(t)).toLocaleString());
const time = (t) => (t === undefined ? "" : h("time", { datetime: new Date(toMs(t)).toISOString() }, when(t)));
const status = (s) => (s ? h("span", { class: `s-${s}` }, s) : "");
const enc = encodeURIComponent;

function crumbs(items) {
  const ol = document.getElementById("crumbs");
  ol.replaceChildren(
    h("li", {}, h("a", { href: "#/" }, "Clusters")),
    ...items.map(([label, href], i) => h("li", {}, i === items.length - 1 ? h("span", { "aria-current": "page" }, label) : h("a", { href }, label))),
  );
  document.title = [...items.map(([l]) => l).reverse(), "berth console"].join(" · ");
}

function table(caption, columns, rows, empty = "None.") {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return h(
    "table",
    {},
    h("caption", { class: "skip" }, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : undefined }, c.label)))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-key": r.key }, columns.map((c) => h("td", { class: c.num ? "num" : undefined }, c.cell(r)))))),
  );
}

/** Runs `fn` at most once per `ms`, the last call winning. */
function debounce(fn, ms = 100) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** The event stream for a cluster (or the cluster list): onChanges gets [{kind, name}…]. */
function live(cluster, onChanges) {
  let source;
  let closed = false;
  const open = async () => {
    source = new EventSource(await eventsUrl(cluster));
    source.addEventListener("ready", () => {
      liveStatus.textContent = "live";
      liveStatus.classList.add("on");
    });
    source.onmessage = (e) => onChanges(JSON.parse(e.data).changes);
    source.onerror = () => {
      liveStatus.textContent = "reconnecting…";
      liveStatus.classList.remove("on");
      // A presigned URL expires: open a fresh one rather than let the browser retry the old.
      source.close();
      if (!closed) setTimeout(() => void open().then(() => onChanges([{ kind: "reconnect" }])), 2000);
    };
  };
  void open();
  return () => {
    closed = true;
    source?.close();
  };
}

/** A confirmation dialog; resolves to the form's values when confirmed, undefined when not. */
function confirmDialog(title, body, okLabel, { danger = false } = {}) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-body").replaceChildren(...[body].flat());
  const ok = document.getElementById("confirm-ok");
  // Cancel is a plain button so that Enter in a field submits the form with OK, its only submit button.
  document.getElementById("confirm-cancel").onclick = () => dialog.close("cancel");
  ok.textContent = okLabel;
  ok.className = danger ? "primary danger" : "primary";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.returnValue !== "ok") return resolve(undefined);
        resolve(Object.fromEntries(new FormData(dialog.querySelector("form"))));
      },
      { once: true },
    );
    dialog.returnValue = "";
    dialog.showModal();
    (dialog.querySelector("input") ?? ok).focus();
  });
}

function showError(where, err) {
  where.replaceChildren(h("p", { class: "error", role: "alert" }, err instanceof ApiError ? `${err.code}: ${err.message}` : String(err?.message ?? err)));
}

/** Runs an action, reporting its failure in the page's alert area. */
async function act(fn) {
  const area = document.getElementById("action-result");
  try {
    await fn();
    area?.replaceChildren();
  } catch (err) {
    if (area) showError(area, err);
  }
}

// ---- screens ----

async function clustersScreen() {
  crumbs([]);
  const list = h("div", {});
  main.replaceChildren(h("h1", {}, "Clusters"), list);
  const refresh = async () => {
    const arns = await listAll("ListClusters", {}, "clusterArns");
    const clusters = await describeAll("DescribeClusters", {}, "clusters", arns, 100, "clusters");
    clusters.sort((a, b) => a.clusterName.localeCompare(b.clusterName));
    list.replaceChildren(
      table(
        "Clusters",
        [
          { label: "Cluster", cell: (c) => h("a", { href: `#/clusters/${enc(c.clusterName)}` }, c.clusterName) },
          { label: "Status", cell: (c) => status(c.status) },
          { label: "Services", num: true, cell: (c) => c.activeServicesCount },
          { label: "Running tasks", num: true, cell: (c) => c.runningTasksCount },
          { label: "Pending tasks", num: true, cell: (c) => c.pendingTasksCount },
          { label: "Container instances", num: true, cell: (c) => c.registeredContainerInstancesCount },
        ],
        clusters.map((c) => ({ ...c, key: c.clusterName })),
        "No clusters yet: create one with `aws ecs create-cluster`.",
      ),
    );
  };
  await refresh();
  return live(undefined, debounce(() => refresh().catch((e) => showError(list, e)), 250));
}

function rolloutOf(svc) {
  const primary = (svc.deployments ?? []).find((d) => d.status === "PRIMARY");
  return primary?.rolloutState;
}

async function clusterScreen(cluster) {
  crumbs([[cluster, `#/clusters/${enc(cluster)}`]]);
  const list = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading services…"));
  main.replaceChildren(h("h1", {}, `Services in ${cluster}`), list);
  const services = new Map();
  const columns = [
    { label: "Service", cell: (s) => h("a", { href: `#/clusters/${enc(cluster)}/services/${enc(s.serviceName)}` }, s.serviceName) },
    { label: "Status", cell: (s) => status(s.status) },
    { label: "Desired", num: true, cell: (s) => s.desiredCount },
    { label: "Running", num: true, cell: (s) => s.runningCount },
    { label: "Pending", num: true, cell: (s) => s.pendingCount },
    { label: "Deployments", num: true, cell: (s) => (s.deployments ?? []).length },
    { label: "Rollout", cell: (s) => status(rolloutOf(s)) },
    { label: "Task definition", cell: (s) => idOf(s.taskDefinition) },
  ];
  const render = () => {
    const rows = [...services.values()].sort((a, b) => a.serviceName.localeCompare(b.serviceName)).map((s) => ({ ...s, key: s.serviceName }));
    list.replaceChildren(h("p", { class: "muted" }, `${rows.length} services`), table(`Services in ${cluster}`, columns, rows, "No services in this cluster."));
    list.setAttribute("aria-busy", "false");
  };
  const describe = async (names) => {
    for (const s of await describeAll("DescribeServices", { cluster }, "services", names, 10, "services")) services.set(s.serviceName, s);
  };
  // Each page of names is described while the next is listed; the first page's rows are drawn
  // as soon as they arrive, the whole table once (redrawing a growing table costs more).
  let drawn = false;
  const draw = () => {
    if (drawn) return;
    drawn = true;
    render();
    performance.mark("berth:services-first-rows");
  };
  const pending = [];
  let nextToken;
  do {
    const page = await call("ListServices", { cluster, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
    pending.push(describe(page.serviceArns ?? []).then(draw));
    nextToken = page.nextToken;
  } while (nextToken);
  await Promise.all(pending);
  render();
  performance.mark("berth:services-rendered");
  return live(cluster, async (changes) => {
    const names = [...new Set(changes.filter((c) => c.kind === "service").map((c) => c.name))];
    if (changes.some((c) => c.kind === "reconnect")) names.push(...services.keys());
    if (names.length === 0) return;
    try {
      const found = await describeAll("DescribeServices", { cluster }, "services", names, 10, "services");
      for (const n of names) if (!found.some((s) => s.serviceName === n)) services.delete(n);
      for (const s of found) services.set(s.serviceName, s);
      render();
    } catch (e) {
      showError(list, e);
    }
  });
}

function deploymentCard(d) {
  const desired = d.desiredCount ?? 0;
  const pct = (n) => (desired > 0 ? Math.min(100, (100 * n) / desired) : 0);
  const label = `${d.status} deployment: ${d.runningCount} of ${desired} running, ${d.pendingCount} pending`;
  return h(
    "section",
    { class: "card", "aria-label": `${d.status} deployment ${d.id}`, "data-deployment": d.status },
    h("h3", {}, h("span", { class: `badge ${d.status}` }, d.status), h("span", {}, d.id)),
    h(
      "div",
      { class: "bar", role: "progressbar", "aria-label": label, "aria-valuemin": 0, "aria-valuemax": desired, "aria-valuenow": d.runningCount },
      h("span", { class: `run ${d.status}`, style: `width:${pct(d.runningCount)}%` }),
      h("span", { class: "pend", style: `width:${pct(d.pendingCount)}%` }),
    ),
    h(
      "dl",
      { class: "kv" },
      h("dt", {}, "Running"), h("dd", { "data-field": "running" }, `${d.runningCount} / ${desired}`),
      h("dt", {}, "Pending"), h("dd", {}, d.pendingCount),
      h("dt", {}, "Failed tasks"), h("dd", {}, d.failedTasks ?? 0),
      h("dt", {}, "Rollout"), h("dd", {}, status(d.rolloutState), d.rolloutStateReason ? ` — ${d.rolloutStateReason}` : ""),
      h("dt", {}, "Task definition"), h("dd", {}, idOf(d.taskDefinition)),
      h("dt", {}, "Created"), h("dd", {}, time(d.createdAt)),
      h("dt", {}, "Updated"), h("dd", {}, time(d.updatedAt)),
    ),
  );
}

function describeBounds(bounds) {
  if (!bounds) return "";
  return Object.entries(bounds)
    .map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : v}`)
    .join(", ");
}

function decisionsList(decisions) {
  if (decisions.length === 0) return h("p", { class: "muted" }, "No decisions recorded yet.");
  return h(
    "ol",
    { class: "events" },
    decisions.map((d) =>
      h(
        "li",
        {},
        time(d.at),
        h("div", {}, d.actions?.length ? d.actions.map((a) => `${a.kind}: ${a.detail}`).join("; ") : d.steady ? "steady" : "no action"),
        d.bounds ? h("div", { class: "muted" }, "Bounds: ", describeBounds(d.bounds)) : null,
        d.waits?.length ? h("div", { class: "muted" }, "Waiting: ", d.waits.join("; ")) : null,
      ),
    ),
  );
}

const exitCodes = (t) =>
  (t.containers ?? [])
    .filter((c) => c.exitCode !== undefined)
    .map((c) => `${c.name}: ${c.exitCode}`)
    .join(", ");

async function serviceScreen(cluster, name) {
  crumbs([[cluster, `#/clusters/${enc(cluster)}`], [name, `#/clusters/${enc(cluster)}/services/${enc(name)}`]]);
  const summary = h("div", {});
  const deployments = h("div", { class: "deployments", id: "deployments", "aria-live": "polite" });
  const events = h("div", { class: "scroll", tabindex: 0, role: "region", "aria-label": "Service events" });
  const decisions = h("div", { class: "scroll", tabindex: 0, role: "region", "aria-label": "Decision log" });
  const tasksArea = h("div", {});
  const history = h("div", { id: "history" });
  const timeline = h("div", {});
  const metrics = h("div", {});
  let svc;
  const scale = async () => {
    const values = await confirmDialog(
      `Scale ${name}`,
      [h("label", { for: "desired" }, "Desired tasks"), h("input", { id: "desired", name: "desired", type: "number", min: 0, max: 10000, required: true, value: svc?.desiredCount ?? 0 })],
      "Scale",
    );
    if (values) await act(() => call("UpdateService", { cluster, service: name, desiredCount: Number(values.desired) }));
  };
  const redeploy = async () => {
    const values = await confirmDialog(`Force a new deployment of ${name}?`, h("p", {}, "Every task is replaced by a new one, as the deployment configuration allows."), "Force new deployment");
    if (values) await act(() => call("UpdateService", { cluster, service: name, forceNewDeployment: true }));
  };
  main.replaceChildren(
    h("h1", {}, name),
    h(
      "div",
      { class: "toolbar", role: "toolbar", "aria-label": "Service actions" },
      h("button", { type: "button", onclick: scale }, "Scale…"),
      h("button", { type: "button", onclick: redeploy }, "Force new deployment…"),
    ),
    h("div", { id: "action-result" }),
    summary,
    h("h2", {}, "Deployments"),
    deployments,
    h("div", { class: "grid2" }, h("section", {}, h("h2", {}, "Events (newest first)"), events), h("section", {}, h("h2", {}, "Decision log"), decisions)),
    h("div", { class: "grid2" }, h("section", {}, h("h2", {}, "Deployment timeline"), timeline), h("section", {}, h("h2", {}, "CPU and memory"), metrics)),
    h("h2", {}, "Tasks"),
    tasksArea,
    h("h2", {}, "Deployment history"),
    history,
  );

  const loadService = async () => {
    const [desc, dec] = await Promise.all([
      call("DescribeServices", { cluster, services: [name] }),
      call("DescribeServiceDecisions", { cluster, service: name, maxResults: 50 }).catch((e) => ({ error: e })),
    ]);
    svc = desc.services?.[0];
    if (!svc) return showError(summary, new Error(desc.failures?.[0]?.reason ?? "service not found"));
    summary.replaceChildren(
      h(
        "dl",
        { class: "kv" },
        h("dt", {}, "Status"), h("dd", {}, status(svc.status)),
        h("dt", {}, "Desired / running / pending"), h("dd", { id: "counts" }, `${svc.desiredCount} / ${svc.runningCount} / ${svc.pendingCount}`),
        h("dt", {}, "Task definition"), h("dd", {}, idOf(svc.taskDefinition)),
        h("dt", {}, "Launch type"), h("dd", {}, svc.launchType ?? svc.capacityProviderStrategy?.map((c) => c.capacityProvider).join(", ") ?? ""),
      ),
    );
    const order = { PRIMARY: 0, ACTIVE: 1 };
    deployments.replaceChildren(...[...(svc.deployments ?? [])].sort((a, b) => (order[a.status] ?? 2) - (order[b.status] ?? 2)).map(deploymentCard));
    events.replaceChildren(
      (svc.events ?? []).length
        ? h("ol", { class: "events", id: "events" }, svc.events.map((e) => h("li", {}, time(e.createdAt), e.message)))
        : h("p", { class: "muted" }, "No events yet."),
    );
    if (dec.error) showError(decisions, dec.error);
    else decisions.replaceChildren(decisionsList(dec.decisions ?? []));
  };

  // ECS's service deployments (ListServiceDeployments, DescribeServiceDeployments): each
  // rollout's outcome, including those no longer on the service record.
  const loadHistory = async () => {
    const list = await call("ListServiceDeployments", { cluster, service: name, maxResults: 20 });
    const arns = (list.serviceDeployments ?? []).map((d) => d.serviceDeploymentArn);
    const described = arns.length ? (await call("DescribeServiceDeployments", { serviceDeploymentArns: arns })).serviceDeployments ?? [] : [];
    described.sort((a, b) => toMs(b.createdAt ?? 0) - toMs(a.createdAt ?? 0));
    history.replaceChildren(
      table(
        `Deployment history of ${name}`,
        [
          { label: "Deployment", cell: (d) => idOf(d.serviceDeploymentArn) },
          { label: "Status", cell: (d) => status(d.status) },
          { label: "Target revision", cell: (d) => idOf(d.targetServiceRevision?.arn) },
          { label: "Created", cell: (d) => time(d.createdAt) },
          { label: "Finished", cell: (d) => time(d.finishedAt ?? d.stoppedAt) },
          { label: "Reason", cell: (d) => [d.statusReason ?? "", d.rollback ? ` Rolled back: ${d.rollback.reason ?? ""}` : ""] },
        ],
        described.map((d) => ({ ...d, key: idOf(d.serviceDeploymentArn) })),
        "No deployments recorded.",
      ),
    );
  };

  const loadTasks = async () => {
    const [running, stopped] = await Promise.all([
      listAll("ListTasks", { cluster, serviceName: name }, "taskArns"),
      listAll("ListTasks", { cluster, serviceName: name, desiredStatus: "STOPPED" }, "taskArns"),
    ]);
    const tasks = await describeAll("DescribeTasks", { cluster }, "tasks", [...running, ...stopped], 100, "tasks");
    tasks.sort((a, b) => toMs(b.createdAt ?? 0) - toMs(a.createdAt ?? 0));
    const stop = async (t) => {
      const values = await confirmDialog(
        `Stop task ${idOf(t.taskArn)}?`,
        [h("label", { for: "reason" }, "Reason (optional)"), h("input", { id: "reason", name: "reason", type: "text", maxlength: 255, value: "Stopped from the berth console" })],
        "Stop task",
        { danger: true },
      );
      if (values) await act(() => call("StopTask", { cluster, task: t.taskArn, reason: values.reason }));
    };
    tasksArea.replaceChildren(
      table(
        `Tasks of ${name}`,
        [
          { label: "Task", cell: (t) => h("a", { href: `#/clusters/${enc(cluster)}/tasks/${idOf(t.taskArn)}` }, idOf(t.taskArn)) },
          { label: "Deployment", cell: (t) => t.startedBy ?? "" },
          { label: "Status", cell: (t) => [status(t.lastStatus), t.desiredStatus !== t.lastStatus ? ` → ${t.desiredStatus}` : ""] },
          { label: "Health", cell: (t) => status(t.healthStatus) },
          { label: "Started", cell: (t) => time(t.startedAt) },
          { label: "Stop code", cell: (t) => t.stopCode ?? "" },
          { label: "Stopped reason", cell: (t) => t.stoppedReason ?? "" },
          { label: "Exit codes", cell: exitCodes },
          { label: "Actions", cell: (t) => (t.desiredStatus === "RUNNING" ? h("button", { type: "button", class: "danger", onclick: () => stop(t), "aria-label": `Stop task ${idOf(t.taskArn)}` }, "Stop…") : "") },
        ],
        tasks.map((t) => ({ ...t, key: idOf(t.taskArn) })),
        "No tasks.",
      ),
    );
    // The deployments still on the service wear their cards' colours; older ones the palette's others.
    const colours = { PRIMARY: "#0a5bc4", ACTIVE: "#8250df" };
    const statusOf = new Map((svc?.deployments ?? []).map((d) => [d.id, d.status]));
    const spare = ["#bf3989", "#116329", "#9a6700", "#57606a"];
    const series = timelineSeries(tasks).map((s, i) => ({ ...s, color: colours[statusOf.get(s.name)] ?? spare[i % spare.length] }));
    timeline.replaceChildren(
      lineChart({ series, label: `Tasks running per deployment of ${name} over time`, unit: "" }),
      h("div", { class: "legend" }, series.map((s) => h("span", {}, h("i", { style: `background:${s.color}` }), `${s.name}${statusOf.has(s.name) ? ` ${statusOf.get(s.name)}` : ""} (${s.points.at(-1)[1]} running)`))),
    );
  };

  const loadMetrics = async () => {
    try {
      const [cpu, mem] = await serviceUtilization(cluster, name);
      metrics.replaceChildren(
        lineChart({ series: [{ ...cpu, color: "#0a5bc4" }, { ...mem, color: "#8250df" }], yMax: 100, unit: "%", label: `CPU and memory utilization of ${name}, percent, last 30 minutes` }),
        h("div", { class: "legend" }, h("span", {}, h("i", { style: "background:#0a5bc4" }), "CPU"), h("span", {}, h("i", { style: "background:#8250df" }), "Memory")),
      );
    } catch (e) {
      metrics.replaceChildren(h("p", { class: "muted" }, `CPU and memory charts appear once berth serves CloudWatch GetMetricStatistics for AWS/ECS (it answered: ${e.message})`));
    }
  };

  await Promise.all([loadService(), loadTasks(), loadMetrics(), loadHistory().catch((e) => showError(history, e))]);
  const metricTimer = setInterval(() => void loadMetrics(), 60_000);
  const reloadService = debounce(() => {
    loadService().catch((e) => showError(summary, e));
    loadHistory().catch((e) => showError(history, e));
  }, 50);
  const reloadTasks = debounce(() => loadTasks().catch((e) => showError(tasksArea, e)), 200);
  const stopLive = live(cluster, (changes) => {
    if (changes.some((c) => c.kind === "reconnect" || (c.kind === "service" && c.name === name))) reloadService();
    if (changes.some((c) => c.kind === "reconnect" || c.kind === "task")) reloadTasks();
  });
  return () => {
    stopLive();
    clearInterval(metricTimer);
  };
}

async function taskScreen(cluster, id) {
  crumbs([[cluster, `#/clusters/${enc(cluster)}`], [`task ${id}`, `#/clusters/${enc(cluster)}/tasks/${id}`]]);
  const info = h("div", {});
  const containers = h("div", {});
  const logs = h("pre", { class: "logs", id: "logs", tabindex: 0, role: "log", "aria-label": `Logs of task ${id}`, "aria-live": "off" });
  const logState = h("p", { class: "muted", id: "log-state", role: "status" }, "Reading logs…");
  let serviceLink = h("span");
  main.replaceChildren(h("h1", {}, `Task ${id}`), h("div", { id: "action-result" }), serviceLink, info, h("h2", {}, "Containers"), containers, h("h2", {}, "Logs (following)"), logState, logs);
  const load = async () => {
    const t = (await call("DescribeTasks", { cluster, tasks: [id] })).tasks?.[0];
    if (!t) return showError(info, new Error(`No task ${id} in ${cluster}.`));
    if (t.group?.startsWith("service:")) {
      const s = t.group.slice("service:".length);
      serviceLink.replaceWith((serviceLink = h("p", {}, "Service: ", h("a", { href: `#/clusters/${enc(cluster)}/services/${enc(s)}` }, s))));
    }
    info.replaceChildren(
      h(
        "dl",
        { class: "kv" },
        h("dt", {}, "Status"), h("dd", { id: "task-status" }, status(t.lastStatus), ` (desired ${t.desiredStatus})`),
        h("dt", {}, "Health"), h("dd", {}, status(t.healthStatus)),
        h("dt", {}, "Task definition"), h("dd", {}, idOf(t.taskDefinitionArn)),
        h("dt", {}, "Started by"), h("dd", {}, t.startedBy ?? ""),
        h("dt", {}, "Created"), h("dd", {}, time(t.createdAt)),
        h("dt", {}, "Started"), h("dd", {}, time(t.startedAt)),
        h("dt", {}, "Stopped"), h("dd", {}, time(t.stoppedAt)),
        h("dt", {}, "Stop code"), h("dd", {}, t.stopCode ?? ""),
        h("dt", {}, "Stopped reason"), h("dd", {}, t.stoppedReason ?? ""),
      ),
    );
    containers.replaceChildren(
      table(
        `Containers of task ${id}`,
        [
          { label: "Container", cell: (c) => c.name },
          { label: "Image", cell: (c) => c.image ?? "" },
          { label: "Status", cell: (c) => status(c.lastStatus) },
          { label: "Health", cell: (c) => status(c.healthStatus) },
          { label: "Exit code", num: true, cell: (c) => c.exitCode ?? "" },
          { label: "Reason", cell: (c) => c.reason ?? "" },
        ],
        (t.containers ?? []).map((c) => ({ ...c, key: c.name })),
      ),
    );
  };
  await load();
  const abort = new AbortController();
  void followLogs(cluster, id, logs, logState, abort.signal);
  const stopLive = live(cluster, (changes) => {
    if (changes.some((c) => c.kind === "reconnect" || (c.kind === "task" && c.name === id))) load().catch((e) => showError(info, e));
  });
  return () => {
    abort.abort();
    stopLive();
  };
}

/** Long-polls GetTaskLogs with its nextToken until the task's logs end or the screen closes. */
async function followLogs(cluster, task, pre, state, signal) {
  let nextToken;
  let first = true;
  while (!signal.aborted) {
    try {
      const r = await call("GetTaskLogs", { cluster, task, ...(first ? { tail: 500 } : {}), ...(nextToken ? { nextToken } : {}), waitSeconds: 20 }, { signal });
      first = false;
      nextToken = r.nextToken;
      const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
      for (const e of r.events ?? []) pre.append(h("span", { class: "c" }, `${e.container} | `), `${e.message}\n`);
      if (atBottom) pre.scrollTop = pre.scrollHeight;
      const missing = (r.missing ?? []).map((m) => `${m.container}: ${m.reason}`).join("; ");
      if (r.ended && !r.more) {
        state.textContent = `The task's logs have ended.${missing ? ` ${missing}` : ""}`;
        return;
      }
      state.textContent = `Following live.${missing ? ` ${missing}` : ""}`;
    } catch (e) {
      if (signal.aborted) return;
      state.textContent = `Could not read logs: ${e.message}; trying again.`;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

function loginScreen(message) {
  crumbs([["Sign in", "#/"]]);
  const form = h(
    "form",
    { class: "login" },
    h("p", {}, "This berth requires signed requests (strict mode). Enter an access key; it stays in this tab's session storage and signs each request in the browser."),
    message ? h("p", { class: "error", role: "alert" }, message) : null,
    h("label", { for: "akid" }, "Access key ID"),
    h("input", { id: "akid", name: "accessKeyId", required: true, autocomplete: "username", size: 30 }),
    h("label", { for: "secret" }, "Secret access key"),
    h("input", { id: "secret", name: "secretAccessKey", type: "password", required: true, autocomplete: "current-password", size: 40 }),
    h("label", { for: "token" }, "Session token (optional)"),
    h("input", { id: "token", name: "sessionToken", size: 40 }),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, "Sign in")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    setCredentials({ accessKeyId: v.accessKeyId.trim(), secretAccessKey: v.secretAccessKey.trim(), ...(v.sessionToken.trim() ? { sessionToken: v.sessionToken.trim() } : {}) });
    void route();
  });
  main.replaceChildren(h("h1", {}, "Sign in"), form);
  form.querySelector("input").focus();
}

// ---- routing ----

let dispose = () => {};

async function route() {
  dispose();
  dispose = () => {};
  liveStatus.textContent = "";
  const signout = document.getElementById("signout");
  signout.hidden = !(config.authMode === "strict" && credentials());
  if (config.authMode === "strict" && !credentials()) return loginScreen();
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  try {
    let d;
    if (parts[0] === "clusters" && parts[2] === "services" && parts[3]) d = await serviceScreen(parts[1], parts[3]);
    else if (parts[0] === "clusters" && parts[2] === "tasks" && parts[3]) d = await taskScreen(parts[1], parts[3]);
    else if (parts[0] === "clusters" && parts[1]) d = await clusterScreen(parts[1]);
    else d = await clustersScreen();
    dispose = d ?? dispose;
    main.focus({ preventScroll: true });
  } catch (err) {
    if (err instanceof ApiError && config.authMode === "strict" && (err.status === 403 || err.code.includes("Signature") || err.code.includes("Token"))) {
      setCredentials(null);
      return loginScreen(`${err.code}: ${err.message}`);
    }
    main.replaceChildren(h("h1", {}, "Something went wrong"));
    const area = h("div", {});
    main.append(area);
    showError(area, err);
  }
}

document.getElementById("signout").addEventListener("click", () => {
  setCredentials(null);
  void route();
});
window.addEventListener("hashchange", () => void route());
await loadConfig();
await route();
