// Which subnet router addresses the DNS server listens on: the wanted ones the host holds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planListeners } from "./gateway-listeners.js";

describe("planListeners", () => {
  const cases: { name: string; wanted: string[]; onHost: string[]; listening: string[]; start: string[]; stop: string[] }[] = [
    { name: "a router on the host: start", wanted: ["10.0.0.1"], onHost: ["127.0.0.1", "10.0.0.1"], listening: [], start: ["10.0.0.1"], stop: [] },
    { name: "a router not on this host (no bridge yet): nothing", wanted: ["10.0.0.1"], onHost: ["127.0.0.1"], listening: [], start: [], stop: [] },
    { name: "already listening: nothing", wanted: ["10.0.0.1"], onHost: ["10.0.0.1"], listening: ["10.0.0.1"], start: [], stop: [] },
    { name: "the bridge went away: stop", wanted: ["10.0.0.1"], onHost: [], listening: ["10.0.0.1"], start: [], stop: ["10.0.0.1"] },
    { name: "the subnet was deleted: stop", wanted: [], onHost: ["10.0.0.1"], listening: ["10.0.0.1"], start: [], stop: ["10.0.0.1"] },
    { name: "host addresses that are no router are never taken", wanted: ["10.0.0.1"], onHost: ["192.168.1.5", "10.0.0.1"], listening: [], start: ["10.0.0.1"], stop: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(planListeners(c.wanted, c.onHost, c.listening), { start: c.start, stop: c.stop }));
  }
});
