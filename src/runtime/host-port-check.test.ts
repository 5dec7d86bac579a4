import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer, type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { hostPortProblem, portsToProbe, probeHostPort, type PortProbe } from "./host-port-check.js";

describe("hostPortProblem", () => {
  const tail = (n: number) => `: the process runtime binds a container's ports on the host itself, and another program holds ${n === 1 ? "it" : "them"}`;
  const cases: { name: string; probes: PortProbe[]; want: string | undefined }[] = [
    { name: "nothing to bind", probes: [], want: undefined },
    { name: "every port free", probes: [{ port: 80, protocol: "tcp" }, { port: 53, protocol: "udp" }], want: undefined },
    { name: "one in use", probes: [{ port: 47806, protocol: "tcp", code: "EADDRINUSE" }], want: `port 47806/tcp is already in use on the host${tail(1)}` },
    {
      name: "two in use, one free",
      probes: [
        { port: 80, protocol: "tcp", code: "EADDRINUSE" },
        { port: 81, protocol: "tcp" },
        { port: 53, protocol: "udp", code: "EADDRINUSE" },
      ],
      want: `ports 80/tcp, 53/udp are already in use on the host${tail(2)}`,
    },
    {
      name: "another errno is named",
      probes: [
        { port: 80, protocol: "tcp", code: "EACCES" },
        { port: 81, protocol: "tcp", code: "EADDRINUSE" },
      ],
      want: `port 81/tcp is already in use on the host; port 80/tcp cannot be bound on the host (EACCES)${tail(2)}`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(hostPortProblem(c.probes), c.want));
  it("a bridge task's forwarded host port says the agent forwards it", () =>
    assert.equal(
      hostPortProblem([{ port: 8080, protocol: "tcp", code: "EADDRINUSE" }], "forwards"),
      "port 8080/tcp is already in use on the host: the agent forwards a bridge task's host ports to its namespace, and another program holds it",
    ));
});

describe("portsToProbe", () => {
  it("takes each host port and protocol once, skipping unassigned ones", () => {
    const b = (hostPort: number, protocol: "tcp" | "udp" = "tcp") => ({ bindIP: "0.0.0.0", containerPort: hostPort, hostPort, protocol });
    assert.deepEqual(portsToProbe([b(80), b(80), b(80, "udp"), b(0)]), [
      { port: 80, protocol: "tcp" },
      { port: 80, protocol: "udp" },
    ]);
  });
});

describe("probeHostPort", () => {
  it("tcp: EADDRINUSE while a listener holds the port, free once it is closed", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const port = (holder.address() as AddressInfo).port;
    try {
      assert.equal(await probeHostPort(port, "tcp"), "EADDRINUSE");
    } finally {
      await new Promise((r) => holder.close(r));
    }
    assert.equal(await probeHostPort(port, "tcp"), undefined);
  });

  it("udp: EADDRINUSE while a socket holds the port, free once it is closed", async () => {
    const holder = createSocket("udp4");
    await new Promise<void>((r) => holder.bind(0, "0.0.0.0", r));
    const port = holder.address().port;
    try {
      assert.equal(await probeHostPort(port, "udp"), "EADDRINUSE");
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
    assert.equal(await probeHostPort(port, "udp"), undefined);
  });
});
