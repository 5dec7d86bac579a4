// CloudWatch's statistics over stored datapoints, pure. berth keeps each metric as one summary
// per minute (SampleCount, Sum, Minimum, Maximum: what PutMetricData's StatisticValues carries,
// and what every single Value folds into), so a period of any multiple of 60 s is the merge of
// its minutes and every statistic CloudWatch offers without percentiles follows exactly.

export const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** A summary of the values of one metric over an interval. */
export interface Summary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** A stored minute of one metric (one unit): `time` is the minute's start, epoch ms. */
export interface MinutePoint extends Summary {
  time: number;
  unit: string;
}

export const MINUTE_MS = 60_000;

export function merge(a: Summary, b: Summary): Summary {
  return { count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** One value as a summary; a value with a count (PutMetricData's Values/Counts) weighs that much. */
export function summaryOf(value: number, count = 1): Summary {
  return { count, sum: value * count, min: value, max: value };
}

export function statisticOf(s: Summary, stat: Statistic): number {
  switch (stat) {
    case "SampleCount":
      return s.count;
    case "Sum":
      return s.sum;
    case "Minimum":
      return s.min;
    case "Maximum":
      return s.max;
    case "Average":
      return s.count > 0 ? s.sum / s.count : 0;
  }
}

/** A period's datapoint: its start (epoch ms), unit and merged summary. */
export interface PeriodPoint extends Summary {
  time: number;
  unit: string;
}

/**
 * Groups minutes into periods aligned on `start` (CloudWatch aligns a query's periods to its
 * StartTime), keeping [start, end); a period's unit is its minutes' (one unit per query: a unit
 * filter picks it, else datapoints of different units are kept apart). Sorted by time.
 */
export function periods(points: readonly MinutePoint[], start: number, end: number, periodMs: number): PeriodPoint[] {
  const out = new Map<string, PeriodPoint>();
  for (const p of points) {
    if (p.time < start || p.time >= end) continue;
    const t = start + Math.floor((p.time - start) / periodMs) * periodMs;
    const key = `${t}|${p.unit}`;
    const had = out.get(key);
    out.set(key, had ? { ...merge(had, p), time: t, unit: p.unit } : { time: t, unit: p.unit, count: p.count, sum: p.sum, min: p.min, max: p.max });
  }
  return [...out.values()].sort((a, b) => a.time - b.time || a.unit.localeCompare(b.unit));
}

/** `Average` → Average; GetMetricData's Stat names (also `p90` etc., which berth cannot answer). */
export function isStatistic(name: string): name is Statistic {
  return (STATISTICS as readonly string[]).includes(name);
}
