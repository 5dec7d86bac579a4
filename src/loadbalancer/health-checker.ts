// One target group's health checker: runs the checks every interval (results never shift the
// schedule) and keeps each target's state through the pure machine in health.ts. It also keeps
// deregistered targets as draining until the data plane says they have finished.
import type { Clock } from "../model/index.js";
import { afterCheck, checking, deregistered, drainFinished, notInUse, registered, type CheckResult, type TargetHealth } from "./health.js";
import { checkPort, probe } from "./prober.js";
import { targetKey, type Target, type TargetGroup, type TargetHealthState } from "./spec.js";

export type Probe = (cfg: TargetGroup["HealthCheck"], target: Target) => Promise<CheckResult>;

export interface TargetHealthDescription {
  Target: { Id: string; Port: number };
  HealthCheckPort: string;
  TargetHealth: { State: TargetHealthState; Reason?: string; Description?: string };
}

interface Entry {
  target: Target;
  health: TargetHealth;
  probing: boolean;
}

export class HealthChecker {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private inUse = true;
  private stopped = false;

  constructor(
    private group: TargetGroup,
    private readonly clock: Clock,
    private readonly onChange: () => void,
    private readonly probeFn: Probe = probe,
  ) {}

  /** New registrations start initial; targets no longer listed start draining. */
  update(group: TargetGroup, inUse: boolean): void {
    this.group = group;
    const wanted = new Map(group.Targets.map((t) => [targetKey(t), t]));
    const added = new Set<string>();
    for (const [key, target] of wanted) {
      const e = this.entries.get(key);
      if (!e || e.health.State === "draining") {
        this.entries.set(key, { target, health: registered(), probing: false });
        added.add(key);
      }
    }
    for (const [key, e] of this.entries) {
      if (!wanted.has(key)) e.health = deregistered(e.health, this.clock.now(), group.DeregistrationDelaySeconds ?? 300);
    }
    this.inUse = inUse;
    for (const e of this.entries.values()) {
      if (!inUse && e.health.State !== "draining") e.health = notInUse(e.health);
      else if (inUse && e.health.State === "unused") e.health = registered();
    }
    // A new target's first check comes at once, not at the group's next round (up to an
    // interval away, 30 s by default): a deployment waits on it. Later checks keep the rhythm.
    if (this.timer && added.size > 0) void this.round(added);
  }

  /** Checks every interval from now on, the first one at once. */
  start(): void {
    if (!this.timer && !this.stopped) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.schedule(this.group.HealthCheck.HealthCheckIntervalSeconds * 1000);
      void this.round();
    }, delayMs);
  }

  /** One round of checks: every registered target not already being checked (or only those of `only`). */
  async round(only?: ReadonlySet<string>): Promise<void> {
    if (!this.inUse) return;
    const cfg = this.group.HealthCheck;
    const due = [...this.entries]
      .filter(([key, e]) => (!only || only.has(key)) && !e.probing && e.health.State !== "draining" && e.health.State !== "unused")
      .map(([, e]) => e);
    // initial/Elb.RegistrationInProgress becomes Elb.InitialHealthChecking: the store shows it too.
    let started = false;
    for (const e of due) {
      e.probing = true;
      const before = e.health;
      e.health = checking(e.health);
      started ||= e.health !== before;
    }
    if (started) this.onChange();
    await Promise.all(
      due.map(async (e) => {
        const result = await this.probeFn(cfg, e.target);
        e.probing = false;
        if (this.stopped || this.entries.get(targetKey(e.target)) !== e) return;
        const before = e.health;
        e.health = afterCheck(e.health, result, cfg);
        // Tell at once: the table must drop an unhealthy target before anyone reads its state
        // (and a new reason, Target.Timeout after Target.ResponseCodeMismatch, is news too).
        if (e.health.State !== before.State || e.health.Reason !== before.Reason) this.onChange();
      }),
    );
  }

  /** Removes the draining targets that are done; returns their keys. */
  sweep(inFlight: (key: string) => number): string[] {
    const gone: string[] = [];
    const now = this.clock.now();
    for (const [key, e] of this.entries) {
      if (drainFinished(e.health, now, inFlight(key))) {
        this.entries.delete(key);
        gone.push(key);
      }
    }
    return gone;
  }

  draining(): boolean {
    return [...this.entries.values()].some((e) => e.health.State === "draining");
  }

  states(): Map<string, TargetHealthState> {
    return new Map([...this.entries].map(([k, e]) => [k, e.health.State]));
  }

  /** DescribeTargetHealth's view: registered and draining targets. */
  describe(): TargetHealthDescription[] {
    return [...this.entries.values()].map((e) => ({
      Target: { Id: e.target.Id, Port: e.target.Port },
      HealthCheckPort: String(checkPort(this.group.HealthCheck, e.target)),
      TargetHealth: { State: e.health.State, Reason: e.health.Reason, Description: e.health.Description },
    }));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
