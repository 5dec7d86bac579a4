import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { masqueradeDocument, natRulesPresent, parsePortRules, type PortRule, portRuleLine, portRulesDocument } from "./port-rules.js";

const RULE: PortRule = { taskId: "0123456789abcdef0123456789abcdef", protocol: "tcp", hostPort: 32768, address: "10.254.0.2", containerPort: 8080 };

describe("port rules", () => {
  it("reads back what it writes, as iptables-save prints it", () => {
    const save = ["*nat", ":BERTH-PORTS - [0:0]", portRuleLine(RULE), portRuleLine({ ...RULE, protocol: "udp", hostPort: 5353, containerPort: 53 }), "-A DOCKER -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80", "COMMIT"].join("\n");
    assert.deepEqual(parsePortRules(save), [RULE, { ...RULE, protocol: "udp", hostPort: 5353, containerPort: 53 }]);
  });

  it("removal deletes the same lines in one transaction", () => {
    assert.equal(portRulesDocument([RULE], "remove"), `*nat\n${portRuleLine(RULE).replace("-A ", "-D ")}\nCOMMIT\n`);
  });

  const present = ["*nat", ":BERTH-PORTS - [0:0]", ":BERTH-PORTS-MASQ - [0:0]", "-A PREROUTING -i bbr-+ -m addrtype --dst-type LOCAL -j BERTH-PORTS", "-A OUTPUT -m addrtype --dst-type LOCAL -j BERTH-PORTS", "-A POSTROUTING -j BERTH-PORTS-MASQ", "-A BERTH-PORTS-MASQ -o bbr-bridge -m conntrack --ctstate DNAT -j MASQUERADE", "COMMIT"];
  const cases: { name: string; save: string[]; want: boolean }[] = [
    { name: "chains, jumps and the masquerade rule", save: present, want: true },
    { name: "the OUTPUT jump missing (127.0.0.1 would not be forwarded)", save: present.filter((l) => !l.startsWith("-A OUTPUT")), want: false },
    { name: "the masquerade rule missing", save: present.filter((l) => !l.includes("MASQUERADE")), want: false },
    { name: "nothing", save: [], want: false },
  ];
  for (const c of cases) it(`natRulesPresent: ${c.name}`, () => assert.equal(natRulesPresent(c.save.join("\n")), c.want));

  it("the masquerade document declares (empties) its chain before filling it", () => assert.match(masqueradeDocument(), /^\*nat\n:BERTH-PORTS-MASQ - \[0:0\]\n-A BERTH-PORTS-MASQ /));
});
