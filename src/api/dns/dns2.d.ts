// The part of dns2 (it ships no types) that berth's DNS server uses.
declare module "dns2" {
  import type { AddressInfo } from "node:net";
  import type { EventEmitter } from "node:events";

  interface Question {
    name: string;
    type: number;
    class: number;
  }
  interface Header {
    rcode: number;
    aa: number;
    ra: number;
  }
  class Packet {
    header: Header;
    questions: Question[];
    answers: object[];
    authorities: object[];
    additionals: object[];
    static TYPE: Record<string, number>;
    static CLASS: Record<string, number>;
    static RCODE: Record<string, number>;
    static createResponseFromRequest(request: Packet): Packet;
  }
  interface DnsServer extends EventEmitter {
    servers: { udp?: import("node:dgram").Socket; tcp?: import("node:net").Server };
    listen(options: { udp?: { port: number; address: string }; tcp?: { port: number; address: string } }): Promise<{ udp?: AddressInfo; tcp?: AddressInfo }>;
    close(): Promise<void>;
  }
  function createServer(options: {
    udp?: boolean;
    tcp?: boolean;
    handle: (request: Packet, send: (response: Packet) => void, client: { address: string; port: number }) => void;
  }): DnsServer;
  const dns2: { Packet: typeof Packet; createServer: typeof createServer };
  export default dns2;
  export { Packet, createServer };
}
