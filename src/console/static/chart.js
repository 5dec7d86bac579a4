// Charts as inline SVG, drawn here: line charts of [time, value] series and the step lines of a
// deployment timeline. No library: a chart is a few paths and labels.
const NS = "http://www.w3.org/2000/svg";
export const PALETTE = ["#0a5bc4", "#8250df", "#bf3989", "#116329", "#9a6700", "#cf222e"];

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/**
 * A line chart: `series` of { name, color, points: [[timeMs, value]…], step }; `label` names it
 * for assistive technology (the SVG is an image with that name and a text summary).
 */
export function lineChart({ series, label, yMax, unit = "", width = 640, height = 200 }) {
  const pad = { l: 40, r: 10, t: 10, b: 24 };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": label });
  svg.append(el("title", {}, label));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    svg.append(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no data yet"));
    return svg;
  }
  let t0 = Math.min(...all.map((p) => p[0]));
  let t1 = Math.max(...all.map((p) => p[0]));
  if (t1 === t0) {
    t0 -= 30_000;
    t1 += 30_000;
  }
  const top = yMax ?? Math.max(1, ...all.map((p) => p[1]));
  const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v) => height - pad.b - (v / top) * (height - pad.t - pad.b);
  svg.append(el("line", { class: "axis", x1: pad.l, x2: width - pad.r, y1: y(0), y2: y(0) }));
  for (const v of [0, top / 2, top]) {
    svg.append(el("text", { x: pad.l - 4, y: y(v) + 4, "text-anchor": "end" }, `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`));
    svg.append(el("line", { class: "axis", x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), "stroke-dasharray": "2 4" }));
  }
  for (const [t, anchor] of [[t0, "start"], [(t0 + t1) / 2, "middle"], [t1, "end"]]) svg.append(el("text", { x: x(t), y: height - 6, "text-anchor": anchor }, clock(t)));
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    let d = "";
    s.points.forEach(([t, v], j) => {
      if (j === 0) d += `M${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      else if (s.step) d += `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`;
      else d += `L${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    });
    if (s.step) d += `H${x(t1).toFixed(1)}`;
    svg.append(el("path", { d, fill: "none", stroke: s.color ?? PALETTE[i % PALETTE.length], "stroke-width": 2 }));
  });
  return svg;
}

/**
 * The deployment timeline: for each deployment (a task's startedBy), how many of its tasks ran
 * over time — one step up when a task started, one down when it stopped — from the task
 * records' own timestamps. Returns series for lineChart, oldest deployment first.
 */
export function timelineSeries(tasks, now = Date.now()) {
  const byDeployment = new Map();
  for (const t of tasks) {
    const id = t.startedBy ?? "(none)";
    const started = t.startedAt ?? t.createdAt;
    if (started === undefined) continue;
    const steps = byDeployment.get(id) ?? [];
    steps.push([toMs(started), 1]);
    if (t.stoppedAt !== undefined || t.executionStoppedAt !== undefined) steps.push([toMs(t.stoppedAt ?? t.executionStoppedAt), -1]);
    byDeployment.set(id, steps);
  }
  const series = [];
  for (const [name, steps] of byDeployment) {
    steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let n = 0;
    const points = [[steps[0][0], 0]];
    for (const [t, d] of steps) points.push([t, (n += d)]);
    points.push([now, n]);
    series.push({ name, points, step: true, first: steps[0][0] });
  }
  series.sort((a, b) => a.first - b.first);
  return series.map((s, i) => ({ ...s, color: PALETTE[i % PALETTE.length] }));
}

/** API timestamps arrive as epoch seconds (numbers, with fractions). */
export const toMs = (t) => (typeof t === "number" ? t * 1000 : Date.parse(t));
