// One subscription to the engine's event stream for berth's containers (by label), kept open
// across engine restarts: on a break it reconnects with `since` = the last event seen, so no
// event is lost, and drops replayed duplicates by their nanosecond time.
import type Docker from "dockerode";
import { LABELS } from "./labels.js";

export interface DockerEvent {
  /** "start", "die", "oom", "health_status: healthy", "destroy", ... */
  action: string;
  id: string;
  /** Epoch ms. */
  time: number;
  attributes: Record<string, string>;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

export class DockerEventStream {
  #stream: NodeJS.ReadableStream | undefined;
  #closed = false;
  #lastNano = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly onEvent: (event: DockerEvent) => void,
    /** After a reconnect: events may have been missed before `since` could cover them. */
    private readonly onReconnect: () => void,
  ) {}

  async open(): Promise<void> {
    const since = this.#lastNano ? String(Math.floor(this.#lastNano / 1e9)) : undefined;
    const stream = (await this.docker.getEvents({
      filters: { type: ["container"], label: [`${LABELS.managed}=true`] },
      ...(since ? { since } : {}),
    } as Docker.GetEventsOptions)) as NodeJS.ReadableStream;
    if (this.#closed) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return;
    }
    this.#stream = stream;
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        const nl = buffer.indexOf("\n");
        if (nl < 0) break;
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) this.#handle(line);
      }
    });
    const broken = () => {
      if (this.#stream !== stream) return;
      this.#stream = undefined;
      this.#scheduleReconnect();
    };
    stream.on("end", broken);
    stream.on("close", broken);
    stream.on("error", broken);
    // The stream must not keep the agent's process alive by itself.
    (stream as unknown as { socket?: { unref(): void } }).socket?.unref();
    const socket = (stream as unknown as { connection?: { unref?(): void } }).connection;
    socket?.unref?.();
  }

  close(): void {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const s = this.#stream as unknown as { destroy?: () => void } | undefined;
    this.#stream = undefined;
    s?.destroy?.();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.open().then(
        () => this.onReconnect(),
        () => this.#scheduleReconnect(),
      );
    }, 1000);
    this.#retry.unref();
  }

  #handle(line: string): void {
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch {
      return;
    }
    const nano = raw.timeNano ?? (raw.time ?? 0) * 1e9;
    if (nano && nano <= this.#lastNano) return;
    if (nano) this.#lastNano = nano;
    const id = raw.Actor?.ID ?? raw.id;
    const action = raw.Action ?? raw.status;
    if (!id || !action) return;
    this.onEvent({ action, id, time: Math.floor(nano / 1e6), attributes: raw.Actor?.Attributes ?? {} });
  }
}
