// CloudWatch's metric operations over berth's datapoints: the checks CloudWatch makes (its
// error codes: InvalidParameterValue, MissingParameter, InvalidParameterCombination) and the
// answers. Input arrives checked against the botocore model (types, lengths, enums), timestamps
// as epoch ms. The checks are pure; the store is the only I/O.
import { AwsError } from "../../model/index.js";
import { type DatapointStore, dimensionsKey, type MetricId, RETENTION_MS } from "./datapoint-store.js";
import type { Dimension, MetricRow } from "./ecs-rollup.js";
import { isStatistic, MINUTE_MS, periods, type PeriodPoint, type Statistic, statisticOf, type Summary, summaryOf } from "./statistics.js";

const invalid = (message: string) => new AwsError("InvalidParameterValue", message);
const combination = (message: string) => new AwsError("InvalidParameterCombination", message);
const missing = (message: string) => new AwsError("MissingParameter", message);

/** CloudWatch refuses values beyond ±2^360 (and NaN/Infinity, which JSON cannot carry). */
const VALUE_LIMIT = 2 ** 360;
const TWO_WEEKS_MS = 14 * 24 * 3600_000;
const TWO_HOURS_MS = 2 * 3600_000;
/** The most datapoints one GetMetricStatistics may return. */
const MAX_STATISTICS_DATAPOINTS = 1440;

interface MetricDatumInput {
  MetricName: string;
  Dimensions?: Dimension[];
  Timestamp?: number;
  Value?: number;
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  Values?: number[];
  Counts?: number[];
  Unit?: string;
  StorageResolution?: number;
}

export interface PutMetricDataInput {
  Namespace?: string;
  MetricData?: MetricDatumInput[];
}

/** PutMetricData's rows, each datum's minute folded to one summary; refuses as CloudWatch does. */
export function putMetricDataRows(input: PutMetricDataInput, now: number): MetricRow[] {
  const ns = input.Namespace;
  if (ns === undefined) throw missing("The parameter Namespace is required.");
  // AWS/ namespaces are AWS's own: CloudWatch refuses them from callers.
  if (ns.startsWith("AWS/")) throw invalid(`The value ${ns} for parameter Namespace is invalid: the "AWS/" prefix is reserved for AWS services.`);
  if (!input.MetricData?.length) throw missing("The parameter MetricData is required.");
  if (input.MetricData.length > 1000) throw invalid("The collection MetricData must not have a size greater than 1000.");
  return input.MetricData.map((d, i) => {
    const at = `MetricData.member.${i + 1}`;
    const given = [d.Value !== undefined && "Value", d.StatisticValues && "StatisticValues", d.Values && "Values"].filter(Boolean) as string[];
    if (given.length > 1) throw combination(`The parameters ${given.map((g) => `${at}.${g}`).join(" and ")} are mutually exclusive and you have specified both.`);
    if (given.length === 0) throw missing(`The parameter ${at}.Value is required.`);
    const t = d.Timestamp ?? now;
    if (t < now - TWO_WEEKS_MS) throw invalid(`The parameter ${at}.Timestamp must specify a time no more than two weeks in the past.`);
    if (t > now + TWO_HOURS_MS) throw invalid(`The parameter ${at}.Timestamp must specify a time no more than two hours in the future.`);
    if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60) {
      throw invalid(`The parameter ${at}.StorageResolution must be 1 or 60.`);
    }
    checkDimensions(d.Dimensions ?? [], `${at}.Dimensions`);
    return { namespace: ns, metricName: d.MetricName, dimensions: d.Dimensions ?? [], unit: d.Unit ?? "None", time: minuteOf(t), summary: summaryOfDatum(d, at) };
  });
}

function summaryOfDatum(d: MetricDatumInput, at: string): Summary {
  const check = (v: number, name: string) => {
    if (!Number.isFinite(v) || Math.abs(v) > VALUE_LIMIT || (v !== 0 && Math.abs(v) < 1 / VALUE_LIMIT)) {
      throw invalid(`The value ${v} for parameter ${at}.${name} is invalid: values must be 0 or between 2^-360 and 2^360 in magnitude.`);
    }
    return v;
  };
  if (d.Value !== undefined) return summaryOf(check(d.Value, "Value"));
  if (d.StatisticValues) {
    const s = d.StatisticValues;
    for (const k of ["SampleCount", "Sum", "Minimum", "Maximum"] as const) check(s[k], `StatisticValues.${k}`);
    if (s.SampleCount <= 0) throw invalid(`The parameter ${at}.StatisticValues.SampleCount must be greater than 0.`);
    if (s.Minimum > s.Maximum) throw invalid(`The parameter ${at}.StatisticValues.Minimum must not be greater than ${at}.StatisticValues.Maximum.`);
    return { count: s.SampleCount, sum: s.Sum, min: s.Minimum, max: s.Maximum };
  }
  const values = d.Values ?? [];
  if (values.length > 150) throw invalid(`The collection ${at}.Values must not have a size greater than 150.`);
  const counts = d.Counts ?? values.map(() => 1);
  if (counts.length !== values.length) throw invalid(`The parameters ${at}.Values and ${at}.Counts must be of the same size.`);
  if (values.length === 0) throw missing(`The parameter ${at}.Values must not be empty.`);
  let out: Summary | undefined;
  values.forEach((v, j) => {
    const c = counts[j] as number;
    if (!(c > 0)) throw invalid(`The value ${c} for parameter ${at}.Counts.member.${j + 1} is invalid: counts must be greater than 0.`);
    const s = summaryOf(check(v, `Values.member.${j + 1}`), c);
    out = out ? { count: out.count + s.count, sum: out.sum + s.sum, min: Math.min(out.min, s.min), max: Math.max(out.max, s.max) } : s;
  });
  return out as Summary;
}

function checkDimensions(dims: readonly Dimension[], at: string): void {
  if (dims.length > 30) throw invalid(`The collection ${at} must not have a size greater than 30.`);
  const names = new Set<string>();
  dims.forEach((d, i) => {
    if (names.has(d.Name)) throw invalid(`The value ${d.Name} for parameter ${at}.member.${i + 1}.Name is invalid: a dimension name may appear once.`);
    names.add(d.Name);
  });
}

export const minuteOf = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;

/** CloudWatch's period rule for standard-resolution data: at least 60 and a multiple of 60 seconds. */
function checkPeriod(period: number | undefined, name: string): number {
  if (period === undefined) throw missing(`The parameter ${name} is required.`);
  if (period < 60 || period % 60 !== 0) throw invalid(`The parameter ${name} must be a multiple of 60.`);
  return period * 1000;
}

function checkRange(start: number | undefined, end: number | undefined): { start: number; end: number } {
  if (start === undefined) throw missing("The parameter StartTime is required.");
  if (end === undefined) throw missing("The parameter EndTime is required.");
  if (start >= end) throw invalid("The parameter StartTime must be less than the parameter EndTime.");
  // Start times are rounded down to the minute (datapoints are minutes).
  return { start: minuteOf(start), end };
}

export interface GetMetricStatisticsInput {
  Namespace: string;
  MetricName: string;
  Dimensions?: Dimension[];
  StartTime?: number;
  EndTime?: number;
  Period?: number;
  Statistics?: string[];
  ExtendedStatistics?: string[];
  Unit?: string;
}

export function getMetricStatistics(store: DatapointStore, scope: string, input: GetMetricStatisticsInput) {
  const hasStats = !!input.Statistics?.length;
  const hasExtended = !!input.ExtendedStatistics?.length;
  if (hasStats && hasExtended) throw combination("Must specify either Statistics or ExtendedStatistics, but not both.");
  if (!hasStats && !hasExtended) throw combination("Must specify either Statistics or ExtendedStatistics.");
  // berth keeps per-minute summaries, not the values percentiles need.
  if (hasExtended) throw invalid("The parameter ExtendedStatistics is not supported by berth: it keeps per-minute summaries, from which percentiles cannot be computed.");
  const { start, end } = checkRange(input.StartTime, input.EndTime);
  const periodMs = checkPeriod(input.Period, "Period");
  const requested = Math.ceil((end - start) / periodMs);
  if (requested > MAX_STATISTICS_DATAPOINTS) {
    throw combination(`You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  checkDimensions(input.Dimensions ?? [], "Dimensions");
  const stats = [...new Set(input.Statistics)] as Statistic[];
  const points = selectUnit(periods(store.minutes(scope, metricIdOf(input), start, end), start, end, periodMs), input.Unit);
  return {
    Label: input.MetricName,
    Datapoints: points.map((p) => ({ Timestamp: p.time, Unit: p.unit, ...Object.fromEntries(stats.map((s) => [s, statisticOf(p, s)])) })),
  };
}

const metricIdOf = (m: { Namespace: string; MetricName: string; Dimensions?: Dimension[] }): MetricId => ({
  namespace: m.Namespace,
  metricName: m.MetricName,
  dimensions: m.Dimensions ?? [],
});

const selectUnit = (points: PeriodPoint[], unit: string | undefined) => (unit === undefined ? points : points.filter((p) => p.unit === unit));

interface MetricDataQuery {
  Id: string;
  MetricStat?: { Metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

export interface GetMetricDataInput {
  MetricDataQueries: MetricDataQuery[];
  StartTime?: number;
  EndTime?: number;
  NextToken?: string;
  ScanBy?: string;
  MaxDatapoints?: number;
}

/**
 * GetMetricData: each returned query's series, newest first unless ScanBy says otherwise, paged
 * by MaxDatapoints over all series together; the NextToken names how many were already sent.
 */
export function getMetricData(store: DatapointStore, scope: string, input: GetMetricDataInput) {
  const { start, end } = checkRange(input.StartTime, input.EndTime);
  const queries = input.MetricDataQueries;
  if (queries.length === 0) throw missing("The parameter MetricDataQueries is required.");
  if (queries.length > 500) throw invalid("The collection MetricDataQueries must not have a size greater than 500.");
  const ids = new Set<string>();
  const series = queries.map((q, i) => {
    const at = `MetricDataQueries.member.${i + 1}`;
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) throw invalid(`The value ${q.Id} for parameter ${at}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`);
    if (ids.has(q.Id)) throw invalid(`The value ${q.Id} for parameter ${at}.Id is invalid: Ids must be unique.`);
    ids.add(q.Id);
    if (q.MetricStat && q.Expression !== undefined) throw combination(`The parameters ${at}.MetricStat and ${at}.Expression are mutually exclusive and you have specified both.`);
    if (q.Expression !== undefined) throw invalid(`The parameter ${at}.Expression is not supported by berth: metric math is not evaluated.`);
    if (!q.MetricStat) throw missing(`The parameter ${at}.MetricStat is required.`);
    const ms = q.MetricStat;
    if (ms.Metric.Namespace === undefined || ms.Metric.MetricName === undefined) throw missing(`The parameters ${at}.MetricStat.Metric.Namespace and MetricName are required.`);
    if (!isStatistic(ms.Stat)) throw invalid(`The value ${ms.Stat} for parameter ${at}.MetricStat.Stat is invalid: berth answers SampleCount, Average, Sum, Minimum and Maximum.`);
    const periodMs = checkPeriod(ms.Period, `${at}.MetricStat.Period`);
    const metric = metricIdOf({ Namespace: ms.Metric.Namespace, MetricName: ms.Metric.MetricName, ...(ms.Metric.Dimensions ? { Dimensions: ms.Metric.Dimensions } : {}) });
    const points = selectUnit(periods(store.minutes(scope, metric, start, end), start, end, periodMs), ms.Unit);
    const values = points.map((p) => ({ t: p.time, v: statisticOf(p, ms.Stat as Statistic) }));
    if (input.ScanBy !== "TimestampAscending") values.reverse();
    return { q, label: q.Label ?? metric.metricName, values };
  });
  const returned = series.filter((s) => s.q.ReturnData !== false);
  const skip = decodeToken(input.NextToken);
  let budget = input.MaxDatapoints ?? 100_800;
  let offset = 0;
  let more = false;
  const results = returned.map((s) => {
    const from = Math.min(s.values.length, Math.max(0, skip - offset));
    offset += s.values.length;
    const take = s.values.slice(from, from + Math.max(0, budget));
    budget -= take.length;
    const partial = from + take.length < s.values.length;
    if (partial) more = true;
    return { Id: s.q.Id, Label: s.label, Timestamps: take.map((p) => p.t), Values: take.map((p) => p.v), StatusCode: partial ? "PartialData" : "Complete" };
  });
  const sent = skip + results.reduce((a, r) => a + r.Values.length, 0);
  return { MetricDataResults: results, ...(more ? { NextToken: encodeToken(sent) } : {}), Messages: [] };
}

export interface ListMetricsInput {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value?: string }[];
  NextToken?: string;
  RecentlyActive?: string;
}

const LIST_PAGE = 500;

export function listMetrics(store: DatapointStore, scope: string, input: ListMetricsInput, now: number) {
  const since = input.RecentlyActive === "PT3H" ? now - 3 * 3600_000 : now - RETENTION_MS;
  const filters = input.Dimensions ?? [];
  const all = store
    .metrics(scope, { since, ...(input.Namespace !== undefined ? { namespace: input.Namespace } : {}), ...(input.MetricName !== undefined ? { metricName: input.MetricName } : {}) })
    .filter((m) => filters.every((f) => m.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))));
  const from = decodeToken(input.NextToken);
  const page = all.slice(from, from + LIST_PAGE);
  return {
    Metrics: page.map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions })),
    ...(from + LIST_PAGE < all.length ? { NextToken: encodeToken(from + LIST_PAGE) } : {}),
  };
}

const encodeToken = (n: number) => Buffer.from(JSON.stringify({ o: n })).toString("base64");

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const o = (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { o?: unknown }).o;
    if (typeof o === "number" && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // falls through to the refusal
  }
  throw new AwsError("InvalidNextToken", "The service couldn't process the NextToken: it was not issued by this service.");
}

export { dimensionsKey };
