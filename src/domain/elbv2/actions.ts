// Listener and rule actions (aws-neighbors.md §1.8): checked and stored in the form AWS echoes —
// a single-group forward carries both TargetGroupArn and a ForwardConfig with weight 1, a
// redirect has every part filled with its placeholder. Pure.
import { elbErrors } from "./errors.js";
import type { ListenerRecord } from "./records.js";

/** The data plane's action shape (spec.ts), reached through the contract. */
export type Action = ListenerRecord["DefaultActions"][number];

export interface ActionInput {
  Type?: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups?: { TargetGroupArn?: string; Weight?: number }[];
    TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number };
  };
  FixedResponseConfig?: { StatusCode?: string; ContentType?: string; MessageBody?: string };
  RedirectConfig?: { Protocol?: string; Host?: string; Port?: string; Path?: string; Query?: string; StatusCode?: string };
  [other: string]: unknown;
}

/** The stored action: the data plane's Action plus the members AWS echoes (Order, stickiness). */
export type StoredAction = Action & { Order: number };

const CONTENT_TYPES = ["text/plain", "text/css", "text/html", "application/javascript", "application/json"];

/** The target groups an action sends traffic to. */
export function forwardedGroups(action: Action): string[] {
  if (action.Type !== "forward") return [];
  const arns = action.ForwardConfig?.TargetGroups.map((t) => t.TargetGroupArn) ?? [];
  return [...new Set(action.TargetGroupArn ? [action.TargetGroupArn, ...arns] : arns)];
}

export function checkActions(input: ActionInput[], lbType: "application" | "network"): StoredAction[] {
  if (input.length === 0) throw elbErrors.validation("At least one action must be specified");
  if (input.length > 1) {
    // Only terminal actions exist here (no authenticate-* without HTTPS), and a rule has one.
    throw elbErrors.invalidAction("A rule can have only one 'forward', 'redirect' or 'fixed-response' action");
  }
  const a = input[0]!;
  const order = a.Order ?? 1;
  switch (a.Type) {
    case "forward":
      return [{ ...forward(a, lbType), Order: order }];
    case "fixed-response":
      if (lbType === "network") throw elbErrors.invalidAction("Action type 'fixed-response' is not supported for network load balancers");
      return [{ Type: "fixed-response", Order: order, FixedResponseConfig: fixedResponse(a) }];
    case "redirect":
      if (lbType === "network") throw elbErrors.invalidAction("Action type 'redirect' is not supported for network load balancers");
      return [{ Type: "redirect", Order: order, RedirectConfig: redirect(a) }];
    default:
      throw elbErrors.invalidAction(`Action type '${String(a.Type)}' is not supported by berth's load balancers; use 'forward', 'redirect' or 'fixed-response'`);
  }
}

function forward(a: ActionInput, lbType: "application" | "network"): Action {
  const tuples = a.ForwardConfig?.TargetGroups;
  if (!a.TargetGroupArn && !tuples?.length) throw elbErrors.validation("A target group ARN must be specified for a forward action");
  const groups = tuples?.length ? tuples : [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
  if (groups.length > 5) throw elbErrors.validation("A forward action can have at most 5 target groups");
  const seen = new Set<string>();
  for (const g of groups) {
    if (!g.TargetGroupArn) throw elbErrors.validation("A target group ARN must be specified for each target group of a forward action");
    if (seen.has(g.TargetGroupArn)) throw elbErrors.validation(`Target group '${g.TargetGroupArn}' is specified more than once in the forward action`);
    seen.add(g.TargetGroupArn);
    if (g.Weight !== undefined && (g.Weight < 0 || g.Weight > 999)) throw elbErrors.validation(`Target group weight '${g.Weight}' must be between 0 and 999`);
  }
  if (a.TargetGroupArn && (groups.length !== 1 || groups[0]!.TargetGroupArn !== a.TargetGroupArn)) {
    throw elbErrors.validation("A forward action with both a target group ARN and a forward config must name the same single target group");
  }
  if (lbType === "network" && groups.length > 1) throw elbErrors.invalidAction("A forward action of a network load balancer can have only one target group");
  const sticky = a.ForwardConfig?.TargetGroupStickinessConfig;
  if (sticky?.Enabled && (sticky.DurationSeconds === undefined || sticky.DurationSeconds < 1 || sticky.DurationSeconds > 604800)) {
    throw elbErrors.validation("Target group stickiness duration must be between 1 and 604800 seconds");
  }
  const forwardConfig = {
    TargetGroups: groups.map((g) => ({ TargetGroupArn: g.TargetGroupArn!, Weight: g.Weight ?? 1 })),
    TargetGroupStickinessConfig: sticky?.Enabled ? { Enabled: true, DurationSeconds: sticky.DurationSeconds } : { Enabled: false },
  };
  return { Type: "forward", ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.TargetGroupArn! } : {}), ForwardConfig: forwardConfig };
}

function fixedResponse(a: ActionInput) {
  const c = a.FixedResponseConfig;
  if (!c?.StatusCode) throw elbErrors.validation("A fixed-response action must have a status code");
  if (!/^(2|4|5)\d\d$/.test(c.StatusCode)) throw elbErrors.validation(`Fixed response status code '${c.StatusCode.slice(0, 16)}' must be a 2XX, 4XX or 5XX code`);
  if (c.ContentType !== undefined && !CONTENT_TYPES.includes(c.ContentType)) {
    throw elbErrors.validation(`Fixed response content type '${c.ContentType}' must be one of ${CONTENT_TYPES.join(", ")}`);
  }
  return { StatusCode: c.StatusCode, ...(c.ContentType !== undefined ? { ContentType: c.ContentType } : {}), ...(c.MessageBody !== undefined ? { MessageBody: c.MessageBody } : {}) };
}

function redirect(a: ActionInput) {
  const c = a.RedirectConfig;
  if (!c?.StatusCode) throw elbErrors.validation("A redirect action must have a status code");
  if (c.StatusCode !== "HTTP_301" && c.StatusCode !== "HTTP_302") throw elbErrors.validation(`Redirect status code '${c.StatusCode}' must be 'HTTP_301' or 'HTTP_302'`);
  const out = {
    Protocol: c.Protocol ?? "#{protocol}",
    Port: c.Port ?? "#{port}",
    Host: c.Host ?? "#{host}",
    Path: c.Path ?? "/#{path}",
    Query: c.Query ?? "#{query}",
    StatusCode: c.StatusCode,
  } as const;
  if (!["HTTP", "HTTPS", "#{protocol}"].includes(out.Protocol)) throw elbErrors.validation(`Redirect protocol '${out.Protocol}' must be 'HTTP', 'HTTPS' or '#{protocol}'`);
  if (out.Port !== "#{port}" && !(/^\d{1,5}$/.test(out.Port) && Number(out.Port) >= 1 && Number(out.Port) <= 65535)) {
    throw elbErrors.validation(`Redirect port '${out.Port.slice(0, 16)}' must be '#{port}' or a port between 1 and 65535`);
  }
  if (!out.Path.startsWith("/")) throw elbErrors.validation(`Redirect path '${out.Path.slice(0, 64)}' must begin with a '/' character`);
  if (out.Query.startsWith("?")) throw elbErrors.validation("Redirect query must not begin with a '?' character");
  // Redirecting to the same protocol, host, port and path would send the client round in a loop.
  if (out.Protocol === "#{protocol}" && out.Host === "#{host}" && out.Port === "#{port}" && out.Path === "/#{path}") {
    throw elbErrors.validation("The redirect configuration is not valid because it creates a loop: change the protocol, host, port or path");
  }
  return out;
}
