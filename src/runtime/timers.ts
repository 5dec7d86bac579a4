// Time as the runtime sees it. Drivers and the health-check runner take a Timers so tests and
// the simulated runtime run on a manual clock, and the real drivers on the system's.

/** Opaque: whatever the Timers implementation returned from setTimeout. */
export type TimerHandle = object;

export interface Timers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending health probe or stop timer must not keep the agent's process alive by itself.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Real timers whose clock can be moved forward: now() is another clock's plus an offset that
 * skip() grows. For tests of rules stated in minutes (a restart period) against components that
 * also need real time to pass (sockets, child processes): skip the minutes, keep the rest real.
 */
export class SkippingTimers implements Timers {
  #offset = 0;

  constructor(private readonly base: Timers = systemTimers) {}

  now(): number {
    return this.base.now() + this.#offset;
  }

  /** Moves now() forward by ms; timers already set keep their real delays. */
  skip(ms: number): void {
    this.#offset += ms;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(callback, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    this.base.clearTimeout(handle);
  }
}

interface ManualTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

const before = (a: ManualTimer, b: ManualTimer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * A clock that moves only when told to. advance() runs due callbacks in time order (ties in
 * the order they were set), including ones that callbacks set within the advanced window.
 * Timers sit in a binary heap, so simulations with many thousands of containers stay fast.
 */
export class ManualTimers implements Timers {
  #now: number;
  #seq = 0;
  #heap: ManualTimer[] = [];
  #live = 0;

  constructor(startAt = 0) {
    this.#now = startAt;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: ManualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback, cancelled: false };
    this.#push(timer);
    this.#live++;
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as ManualTimer;
    if (!timer.cancelled) {
      timer.cancelled = true;
      this.#live--;
    }
  }

  /** Number of callbacks still waiting. */
  get pendingCount(): number {
    return this.#live;
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#heap[0];
      if (!next || next.at > until) break;
      this.#pop();
      if (next.cancelled) continue;
      next.cancelled = true;
      this.#live--;
      this.#now = next.at;
      next.callback();
    }
    this.#now = until;
  }

  /** advance() in steps, letting promise callbacks scheduled by the timers run after each. */
  async advanceAsync(ms: number, step = ms): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      this.advance(Math.min(step, ms - done));
      for (let i = 0; i < 5; i++) await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #push(timer: ManualTimer): void {
    const h = this.#heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as ManualTimer, h[parent] as ManualTimer)) break;
      [h[i], h[parent]] = [h[parent] as ManualTimer, h[i] as ManualTimer];
      i = parent;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop() as ManualTimer;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as ManualTimer, h[m] as ManualTimer)) m = l;
      if (r < h.length && before(h[r] as ManualTimer, h[m] as ManualTimer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as ManualTimer, h[i] as ManualTimer];
      i = m;
    }
  }
}
