// Metrics (issue 14): the AWS/ECS datapoints from the agents' samples, custom metrics from
// PutMetricData, and CloudWatch's read operations over both.
export { Metrics, DEFAULT_ROLLUP_MS, METRICS_TOPIC, parseMetricsEntry, type MetricsOptions, type MetricsEntry } from "./metrics-service.js";
export { rollupMinute, ECS_NAMESPACE, type EcsSample, type InstanceBooks, type MetricRow } from "./ecs-rollup.js";
export { periods, statisticOf, type Summary, type MinutePoint } from "./statistics.js";
export { DatapointStore, RETENTION_MS } from "./datapoint-store.js";
export * as metricRequests from "./requests.js";
