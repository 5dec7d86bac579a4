// CPU and memory of a service from CloudWatch's AWS/ECS namespace: GetMetricStatistics in the
// awsJson 1.0 protocol berth serves it in (target GraniteServiceVersion20100801), signed for
// "monitoring" in strict mode. When the call is refused the page says why instead of drawing.
import { callJson } from "./api.js";

/** [{ name, points: [[ms, value]…] }] for CPUUtilization and MemoryUtilization (percent, per minute), or throws. */
export function serviceUtilization(cluster, service, minutes = 30, now = Date.now()) {
  return Promise.all(
    ["CPUUtilization", "MemoryUtilization"].map(async (metric) => {
      const r = await callJson({
        target: "GraniteServiceVersion20100801.GetMetricStatistics",
        service: "monitoring",
        version: "1.0",
        input: {
          Namespace: "AWS/ECS",
          MetricName: metric,
          Dimensions: [
            { Name: "ClusterName", Value: cluster },
            { Name: "ServiceName", Value: service },
          ],
          StartTime: (now - minutes * 60_000) / 1000,
          EndTime: now / 1000,
          Period: 60,
          Statistics: ["Average"],
        },
      });
      const points = (r.Datapoints ?? []).map((d) => [d.Timestamp * 1000, d.Average]).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
      return { name: metric, points: points.sort((a, b) => a[0] - b[0]) };
    }),
  );
}
