// Table tests: the data plane's view and the registrations → health record writes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TargetHealthDescription } from "../../loadbalancer/index.js";
import { decideHealthWrites, type HealthGroupObservation } from "./health-writes.js";
import type { HealthRecordView } from "./observation.js";

const NOW = 1_000_000;
const a = { Id: "10.0.0.1", Port: 80 };
const b = { Id: "10.0.0.2", Port: 80 };

const seen = (t: { Id: string; Port: number }, State: TargetHealthDescription["TargetHealth"]["State"], Reason?: string, Description?: string): TargetHealthDescription => ({
  Target: t,
  HealthCheckPort: String(t.Port),
  TargetHealth: { State, ...(Reason ? { Reason } : {}), ...(Description ? { Description } : {}) },
});
const stored = (t: { Id: string; Port: number }, State: HealthRecordView["State"], Reason?: string, Description?: string, since = 5): HealthRecordView => ({
  ...t,
  State,
  ...(Reason ? { Reason } : {}),
  ...(Description ? { Description } : {}),
  HealthCheckPort: String(t.Port),
  since,
});
const group = (over: Partial<HealthGroupObservation>): HealthGroupObservation => ({
  ref: "tg/web",
  exists: true,
  healthCheckPort: "traffic-port",
  registered: [],
  records: [],
  unreachable: [],
  ...over,
});
const summary = (g: HealthGroupObservation) => {
  const w = decideHealthWrites([g], NOW);
  return {
    puts: w.puts.map((p) => `${p.record.Id}:${p.record.Port} ${p.record.State}${p.record.Reason ? `/${p.record.Reason}` : ""} since=${p.record.since}`),
    deletes: w.deletes.map((d) => `${d.target.Id}:${d.target.Port}`),
  };
};

const REG = ["Elb.RegistrationInProgress", "Target registration is in progress"] as const;

describe("decideHealthWrites", () => {
  const cases: { name: string; g: HealthGroupObservation; puts: string[]; deletes: string[] }[] = [
    {
      name: "a new registration the node has not applied yet: initial/Elb.RegistrationInProgress at once",
      g: group({ registered: [a], plane: [] }),
      puts: [`10.0.0.1:80 initial/Elb.RegistrationInProgress since=${NOW}`],
      deletes: [],
    },
    {
      name: "the checker's view replaces it: the reason changes, the state's since stays",
      g: group({ registered: [a], plane: [seen(a, "initial", "Elb.InitialHealthChecking", "Initial health checks in progress")], records: [stored(a, "initial", ...REG)] }),
      puts: ["10.0.0.1:80 initial/Elb.InitialHealthChecking since=5"],
      deletes: [],
    },
    {
      name: "initial → healthy is written with a new since and no reason",
      g: group({ registered: [a], plane: [seen(a, "healthy")], records: [stored(a, "initial", "Elb.InitialHealthChecking", "Initial health checks in progress")] }),
      puts: [`10.0.0.1:80 healthy since=${NOW}`],
      deletes: [],
    },
    {
      name: "nothing changed: nothing written",
      g: group({ registered: [a, b], plane: [seen(a, "healthy"), seen(b, "unhealthy", "Target.Timeout", "Request timed out")], records: [stored(a, "healthy"), stored(b, "unhealthy", "Target.Timeout", "Request timed out")] }),
      puts: [],
      deletes: [],
    },
    {
      name: "only the target that changed is written",
      g: group({
        registered: [a, b],
        plane: [seen(a, "healthy"), seen(b, "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [500]")],
        records: [stored(a, "healthy"), stored(b, "healthy")],
      }),
      puts: [`10.0.0.2:80 unhealthy/Target.ResponseCodeMismatch since=${NOW}`],
      deletes: [],
    },
    {
      name: "a deregistered target the node drains keeps a draining record",
      g: group({ registered: [b], plane: [seen(a, "draining", "Target.DeregistrationInProgress"), seen(b, "healthy")], records: [stored(a, "healthy"), stored(b, "healthy")] }),
      puts: [`10.0.0.1:80 draining/Target.DeregistrationInProgress since=${NOW}`],
      deletes: [],
    },
    {
      name: "a deregistered target the node has not seen go yet keeps its record until the node drains it",
      g: group({ registered: [], plane: [seen(a, "healthy")], records: [stored(a, "healthy")] }),
      puts: [],
      deletes: [],
    },
    {
      name: "the data plane let the drained target go: its record is deleted",
      g: group({ registered: [b], plane: [seen(b, "healthy")], records: [stored(a, "draining", "Target.DeregistrationInProgress"), stored(b, "healthy")] }),
      puts: [],
      deletes: ["10.0.0.1:80"],
    },
    {
      name: "no node checks the group: registered targets unused/Target.NotInUse, records of unregistered ones deleted",
      g: group({ registered: [a], records: [stored(a, "healthy"), stored(b, "draining", "Target.DeregistrationInProgress")] }),
      puts: [`10.0.0.1:80 unused/Target.NotInUse since=${NOW}`],
      deletes: ["10.0.0.2:80"],
    },
    {
      name: "an instance target with no instance: unused/Target.InvalidState",
      g: group({ registered: [{ Id: "i-1", Port: 32768 }], unreachable: [{ Id: "i-1", Port: 32768 }], plane: [] }),
      puts: [`i-1:32768 unused/Target.InvalidState since=${NOW}`],
      deletes: [],
    },
    {
      name: "a deleted group: every record it left is deleted",
      g: group({ ref: "66429f94d629c460", exists: false, records: [stored(a, "healthy"), stored(b, "initial", ...REG)] }),
      puts: [],
      deletes: ["10.0.0.1:80", "10.0.0.2:80"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(summary(c.g), { puts: c.puts, deletes: c.deletes }));
  }

  it("records carry the health check port: traffic-port resolves to the target's, a fixed one is kept", () => {
    const w = decideHealthWrites([group({ healthCheckPort: "9000", registered: [a] })], NOW);
    assert.deepEqual(w.puts[0]!.record, {
      Id: "10.0.0.1",
      Port: 80,
      State: "unused",
      Reason: "Target.NotInUse",
      Description: "Target group is not configured to receive traffic from the load balancer",
      HealthCheckPort: "9000",
      since: NOW,
    });
  });
});
