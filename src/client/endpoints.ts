// The control plane's addresses as an agent knows them: one, or several servers of one cluster
// (`--endpoint http://h1:4666,http://h2:4666`). Calls go to the current one; a call that gets
// no answer at all (refused, reset, timed out) moves on to the next, so an agent keeps working
// when its server dies. An answer — even an error — means the server is alive: no move.

export class Endpoints {
  readonly urls: readonly string[];
  #current = 0;

  constructor(spec: string | readonly string[]) {
    const urls = (typeof spec === "string" ? spec.split(",") : spec).map((u) => u.trim()).filter(Boolean);
    if (urls.length === 0) throw new Error("no control plane endpoint given");
    for (const u of urls) {
      const parsed = new URL(u);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`endpoint ${u} is not an http(s) URL`);
    }
    this.urls = urls;
  }

  get current(): string {
    return this.urls[this.#current]!;
  }

  /** A call to `url` got no answer: the next endpoint becomes current, unless another call moved on already. */
  failed(url: string): void {
    if (this.urls[this.#current] === url) this.#current = (this.#current + 1) % this.urls.length;
  }

  toString(): string {
    return this.current;
  }
}

/** Where a call goes: one URL, or a list that fails over. */
export type EndpointTarget = string | Endpoints;

export const endpointUrl = (e: EndpointTarget): string => (typeof e === "string" ? e : e.current);

/**
 * Runs `call` against the current endpoint; on a failure without an answer (anything `answered`
 * says is not one) tries each other endpoint once before giving up with the last failure.
 */
export async function withFailover<T>(target: EndpointTarget, call: (url: string) => Promise<T>, answered: (err: unknown) => boolean): Promise<T> {
  if (typeof target === "string") return call(target);
  let left = target.urls.length;
  for (;;) {
    const url = target.current;
    try {
      return await call(url);
    } catch (err) {
      if (answered(err) || --left === 0) throw err;
      target.failed(url);
    }
  }
}
