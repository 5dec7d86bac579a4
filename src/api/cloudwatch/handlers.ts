// CloudWatch's metric operations (GraniteServiceVersion20100801.*, awsJson 1.0, which botocore
// 1.42.7+ and the AWS CLI installed here send by default): each hands the checked input to the
// metrics domain, in the caller's account and region.
import type { metrics } from "../../domain/index.js";
import type { Handler } from "../json-service.js";

export function cloudWatchHandlers(m: metrics.Metrics): Record<string, Handler> {
  return {
    PutMetricData: async (ctx, input) => {
      await m.putMetricData(ctx.scope, input);
      return {};
    },
    GetMetricStatistics: (ctx, input) => m.getMetricStatistics(ctx.scope, input),
    GetMetricData: (ctx, input) => m.getMetricData(ctx.scope, input),
    ListMetrics: (ctx, input) => m.listMetrics(ctx.scope, input),
  };
}
