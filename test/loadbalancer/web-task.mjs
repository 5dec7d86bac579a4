// The web application of the load-balanced deployment tests, run by the process runtime inside
// an awsvpc task's namespace: GET / answers the revision (REV), GET /health answers HEALTH_STATUS
// (200 unless set). On SIGTERM it stops accepting connections, lets the requests in flight end
// and exits, as a well-behaved web server does; idle keep-alive connections are closed at once.
import { createServer } from "node:http";

const rev = process.env.REV ?? "unknown";
const healthStatus = Number(process.env.HEALTH_STATUS ?? 200);
const port = Number(process.env.PORT ?? 8080);

const server = createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(healthStatus, { "content-type": "text/plain" }).end(healthStatus === 200 ? "ok" : "failing");
    return;
  }
  res.writeHead(200, { "content-type": "text/plain" }).end(`rev${rev}`);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "0.0.0.0");

process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
