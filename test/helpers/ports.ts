// TCP ports for tests that run real listeners on the host.
import { connect, createServer, type AddressInfo } from "node:net";

/** A free TCP port now: the kernel picks one, and it is let go at once. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Whether something accepts connections on the port of 127.0.0.1. */
export const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
