// What the REST-JSON protocol (EFS, and AWS's other REST services) adds to a JSON model: where
// each operation lives in HTTP (method, URI template, success status), where each input member
// travels (a URI label, the query string, a header; the rest is the JSON body), and each error's
// HTTP status. scripts/gen-rest-json-model.py writes it from botocore's model.
import type { ApiModel } from "./shape.js";

export interface RestJsonHttp {
  method: string;
  /** e.g. `/2015-02-01/file-systems/{FileSystemId}`; `{Key+}` is a greedy label. */
  requestUri: string;
  responseCode: number;
}

export interface MemberLocation {
  location: "uri" | "querystring" | "header" | "headers" | "statusCode";
  /** The label, query parameter or header name. */
  name: string;
}

export interface RestJsonModel extends ApiModel {
  apiVersion: string;
  http: Record<string, RestJsonHttp>;
  /** By structure shape, its members that do not travel in the body. */
  locations: Record<string, Record<string, MemberLocation>>;
  /** By exception shape name, its HTTP status. */
  errorStatus: Record<string, number>;
}
