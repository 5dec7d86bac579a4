import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  credentialsChainState,
  credentialsRuleLine,
  credentialsRulesDocument,
  parseCredentialsRules,
  planCredentialsCollect,
  planCredentialsRule,
  removeCredentialsChainDocument,
  type CredentialsHostView,
  type CredentialsRule,
} from "./credentials-rules.js";

const taskRule: CredentialsRule = { kind: "task", taskId: "abc123", source: "10.226.0.6", port: 51679 };
const bridgeRule: CredentialsRule = { kind: "bridge", link: "docker0", port: 40000 };

// What iptables-save printed for these rules on this kernel (iptables 1.8.9, nf_tables).
const SAVED = `*nat
:PREROUTING ACCEPT [0:0]
:BERTH-CREDENTIALS - [0:0]
-A PREROUTING -d 169.254.170.2/32 -p tcp -m tcp --dport 80 -j BERTH-CREDENTIALS
-A BERTH-CREDENTIALS -s 10.226.0.6/32 -p tcp -m comment --comment "berth-credentials:abc123" -j REDIRECT --to-ports 51679
-A BERTH-CREDENTIALS -i docker0 -p tcp -m comment --comment "berth-credentials-bridge:docker0" -j REDIRECT --to-ports 40000
-A BERTH-PORTS -p tcp -m tcp --dport 49153 -m comment --comment "berth-port:abc123" -j DNAT --to-destination 10.254.0.2:80
COMMIT`;

const view = (over: Partial<CredentialsHostView> = {}): CredentialsHostView => ({ credentialsChain: { chain: true, jumps: 1 }, credentialsRules: [], ...over });

describe("credentials rules as iptables text", () => {
  it("parse what they print, and nothing else", () => {
    assert.deepEqual(parseCredentialsRules(SAVED), [taskRule, bridgeRule]);
    assert.deepEqual(credentialsChainState(SAVED), { chain: true, jumps: 1 });
    assert.deepEqual(credentialsChainState("*nat\nCOMMIT"), { chain: false, jumps: 0 });
    for (const r of [taskRule, bridgeRule]) assert.ok(SAVED.includes(credentialsRuleLine(r)));
  });

  it("a document creates the chain only when absent (declaring it would empty it), deletes before it adds", () => {
    const doc = credentialsRulesDocument({ createChain: true, addJump: true, remove: [], add: [taskRule] });
    assert.equal(
      doc,
      [
        "*nat",
        ":BERTH-CREDENTIALS - [0:0]",
        credentialsRuleLine(taskRule),
        "-I PREROUTING 1 -d 169.254.170.2/32 -p tcp -m tcp --dport 80 -j BERTH-CREDENTIALS",
        "COMMIT",
        "",
      ].join("\n"),
    );
    const moved = credentialsRulesDocument({ createChain: false, addJump: false, remove: [taskRule], add: [{ ...taskRule, port: 6000 }] });
    assert.ok(!moved.includes(":BERTH-CREDENTIALS"));
    assert.ok(moved.indexOf("-D BERTH-CREDENTIALS -s 10.226.0.6/32") < moved.indexOf("-A BERTH-CREDENTIALS -s 10.226.0.6/32"));
    assert.equal(removeCredentialsChainDocument(2).split("\n").filter((l) => l.startsWith("-D PREROUTING")).length, 2);
  });
});

describe("planCredentialsRule", () => {
  it("adds the chain, the jump and the rule on a bare host", () => {
    assert.deepEqual(planCredentialsRule(view({ credentialsChain: { chain: false, jumps: 0 } }), taskRule), {
      kind: "credentialsRules",
      createChain: true,
      addJump: true,
      remove: [],
      add: [taskRule],
    });
  });
  it("is nothing when the rule is there (idempotent)", () => {
    assert.equal(planCredentialsRule(view({ credentialsRules: [taskRule, bridgeRule] }), taskRule), undefined);
  });
  it("replaces the owner's rule for another port (an agent restarted elsewhere) and leaves other owners' alone", () => {
    const other: CredentialsRule = { kind: "task", taskId: "zzz", source: "10.226.0.7", port: 1 };
    assert.deepEqual(planCredentialsRule(view({ credentialsRules: [{ ...taskRule, port: 1234 }, other] }), taskRule), {
      kind: "credentialsRules",
      createChain: false,
      addJump: false,
      remove: [{ ...taskRule, port: 1234 }],
      add: [taskRule],
    });
  });
  it("puts a lost jump back without touching the rules", () => {
    assert.deepEqual(planCredentialsRule(view({ credentialsChain: { chain: true, jumps: 0 }, credentialsRules: [taskRule] }), taskRule), {
      kind: "credentialsRules",
      createChain: false,
      addJump: true,
      remove: [],
      add: [],
    });
  });
  it("one bridge rule per link: the last agent to ask has it", () => {
    const step = planCredentialsRule(view({ credentialsRules: [bridgeRule] }), { ...bridgeRule, port: 41000 });
    assert.deepEqual(step && step.kind === "credentialsRules" ? [step.remove, step.add] : undefined, [[bridgeRule], [{ ...bridgeRule, port: 41000 }]]);
  });
});

describe("planCredentialsCollect", () => {
  const other: CredentialsRule = { kind: "task", taskId: "zzz", source: "10.226.0.7", port: 1 };
  it("removes the rules of tasks not kept", () => {
    assert.deepEqual(planCredentialsCollect(view({ credentialsRules: [taskRule, other] }), new Set(["zzz"])), [
      { kind: "credentialsRules", createChain: false, addJump: false, remove: [taskRule], add: [] },
    ]);
  });
  it("removes the chain with the last rule, never Docker's bridge rule", () => {
    assert.deepEqual(planCredentialsCollect(view({ credentialsRules: [taskRule] }), new Set()), [
      { kind: "credentialsRules", createChain: false, addJump: false, remove: [taskRule], add: [] },
      { kind: "removeCredentialsChain", jumps: 1 },
    ]);
    assert.deepEqual(planCredentialsCollect(view({ credentialsRules: [taskRule, bridgeRule] }), new Set()), [
      { kind: "credentialsRules", createChain: false, addJump: false, remove: [taskRule], add: [] },
    ]);
  });
  it("does nothing on a host without the chain", () => {
    assert.deepEqual(planCredentialsCollect(view({ credentialsChain: { chain: false, jumps: 0 } }), new Set()), []);
  });
});
