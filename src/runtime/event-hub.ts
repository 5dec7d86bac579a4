// Fan-out of runtime events to the agent's listeners, and the promises wait() hands out. Each
// driver owns one of each.
import type { ExitInfo, RuntimeEvent, Unsubscribe } from "./types.js";

export class EventHub {
  #listeners = new Set<(event: RuntimeEvent) => void>();

  subscribe(listener: (event: RuntimeEvent) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RuntimeEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (e) {
        // A listener's bug must not stop the others or the driver's own bookkeeping, and must
        // not vanish either: rethrow it outside the driver's call stack.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

/** Pending wait() calls per container id. */
export class ExitWaiters {
  #waiting = new Map<string, { resolve: (exit: ExitInfo) => void; reject: (e: Error) => void }[]>();

  wait(id: string): Promise<ExitInfo> {
    return new Promise((resolve, reject) => {
      const list = this.#waiting.get(id) ?? [];
      list.push({ resolve, reject });
      this.#waiting.set(id, list);
    });
  }

  has(id: string): boolean {
    return this.#waiting.has(id);
  }

  ids(): string[] {
    return [...this.#waiting.keys()];
  }

  resolve(id: string, exit: ExitInfo): void {
    const list = this.#waiting.get(id);
    this.#waiting.delete(id);
    for (const w of list ?? []) w.resolve(exit);
  }

  reject(id: string, error: Error): void {
    const list = this.#waiting.get(id);
    this.#waiting.delete(id);
    for (const w of list ?? []) w.reject(error);
  }

  rejectAll(error: Error): void {
    for (const id of this.ids()) this.reject(id, error);
  }
}
