// A steady load through a listener with autocannon, kept up until the caller's condition holds
// and enough requests were answered; every response is kept with the time it arrived, so a
// test can ask which revision answered after a given moment.
import autocannon from "autocannon";

export interface Answer {
  /** Date.now() when the response was complete. */
  at: number;
  status: number;
  body: string;
}

export interface LoadReport {
  answers: Answer[];
  /** Requests autocannon completed (any status). */
  total: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
}

export interface SteadyLoad {
  /** Keeps the load up until `done()` holds and at least `minRequests` were answered, then stops. */
  until(done: () => Promise<boolean>, minRequests: number, timeoutMs: number): Promise<LoadReport>;
  /** Stops at once (for a failing test's cleanup). */
  stop(): void;
}

export function steadyLoad(url: string, options: { rate: number; connections: number }): SteadyLoad {
  const answers: Answer[] = [];
  const instance = autocannon(
    {
      url,
      connections: options.connections,
      overallRate: options.rate,
      // Longer than any test; stop() ends it.
      duration: 3600,
      // A request the balancer holds that long is a failure worth seeing, not a slow success.
      timeout: 10,
      requests: [{ method: "GET", path: "/", onResponse: (status: number, body: string) => void answers.push({ at: Date.now(), status, body }) }],
    },
    // A callback keeps autocannon from printing its own progress and tables.
    () => undefined,
  );
  const finished = new Promise<autocannon.Result>((resolve) => instance.on("done", resolve));
  const stop = (): void => instance.stop();
  return {
    stop,
    async until(done, minRequests, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (answers.length >= minRequests && (await done())) break;
        if (Date.now() > deadline) {
          stop();
          await finished;
          throw new Error(`the load's condition did not hold within ${timeoutMs} ms (${answers.length} answers so far)`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      stop();
      const r = await finished;
      return { answers, total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
    },
  };
}
