// CPU and memory of a service from CloudWatch's AWS/ECS namespace (GetMetricStatistics, the
// query protocol every CloudWatch client understands). Until berth serves CloudWatch the call is
// refused and the page says so instead of drawing.
import { config, credentials } from "./api.js";
import { signedHeaders } from "./sigv4.js";

/** [{ name, points: [[ms, value]…] }] for CPUUtilization and MemoryUtilization, or throws. */
export async function serviceUtilization(cluster, service, minutes = 30, now = Date.now()) {
  const out = [];
  for (const metric of ["CPUUtilization", "MemoryUtilization"]) {
    const params = new URLSearchParams({
      Action: "GetMetricStatistics",
      Version: "2010-08-01",
      Namespace: "AWS/ECS",
      MetricName: metric,
      "Dimensions.member.1.Name": "ClusterName",
      "Dimensions.member.1.Value": cluster,
      "Dimensions.member.2.Name": "ServiceName",
      "Dimensions.member.2.Value": service,
      StartTime: new Date(now - minutes * 60_000).toISOString(),
      EndTime: new Date(now).toISOString(),
      Period: "60",
      "Statistics.member.1": "Average",
    });
    const body = params.toString();
    const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    const creds = credentials();
    if (config.authMode === "strict" && creds) {
      Object.assign(headers, await signedHeaders({ credentials: creds, region: config.region, service: "monitoring", host: location.host, path: "/", body }));
    }
    const r = await fetch("/", { method: "POST", headers, body });
    const text = await r.text();
    if (!r.ok) {
      // CloudWatch answers in XML; an endpoint without it, in ECS's JSON.
      const message = text.startsWith("{") ? JSON.parse(text).message : new DOMParser().parseFromString(text, "application/xml").querySelector("Message")?.textContent;
      throw new Error(message ?? `CloudWatch answered ${r.status}`);
    }
    const xml = new DOMParser().parseFromString(text, "application/xml");
    const points = [...xml.querySelectorAll("Datapoints > member")]
      .map((m) => [Date.parse(m.querySelector("Timestamp")?.textContent ?? ""), Number(m.querySelector("Average")?.textContent)])
      .filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v))
      .sort((a, b) => a[0] - b[0]);
    out.push({ name: metric, points });
  }
  return out;
}
