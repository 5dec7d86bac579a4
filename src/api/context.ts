import type { Scope } from "../model/index.js";

/** What every handler knows about the request it serves. */
export interface RequestContext {
  requestId: string;
  scope: Scope;
  accessKeyId?: string;
  /** The URL the client reached the API at (from the Host header), for endpoints handed out. */
  baseUrl: string;
}
