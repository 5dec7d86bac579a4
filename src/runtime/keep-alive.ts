// Drivers unref their timers and child handles so that running containers never keep the
// agent's process alive by themselves. A caller awaiting an outcome (wait(), stop(), a
// followed log) is different: that promise must hold the process open until it settles.

/** Keeps the event loop alive until the returned release function is called. */
export function holdOpen(): () => void {
  const timer = setInterval(() => undefined, 1 << 30);
  return () => clearInterval(timer);
}

export async function keepAliveUntil<T>(promise: Promise<T>): Promise<T> {
  const release = holdOpen();
  try {
    return await promise;
  } finally {
    release();
  }
}
