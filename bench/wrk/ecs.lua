-- wrk script: POSTs one ECS operation, the body built per request from a template.
-- BERTH_OP names the operation; BERTH_BODY is a Lua string.format template where %d is
-- replaced by a random family number and %d by a random revision (see bench/api.ts).
local op = os.getenv("BERTH_OP")
local template = os.getenv("BERTH_BODY")
local families = tonumber(os.getenv("BERTH_FAMILIES") or "50")
local revisions = tonumber(os.getenv("BERTH_REVISIONS") or "20")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113." .. op

request = function()
  local body = string.format(template, math.random(0, families - 1), math.random(1, revisions))
  return wrk.format(nil, "/", nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("BERTH_RESULT %d %d %d %.3f %.3f %.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
