// A Cloud Map (servicediscovery) client for tests: signed-shape awsJson 1.1 calls with fetch,
// since berth's package has no servicediscovery SDK client. Errors come back as {__type, message}.
export interface CloudMapError extends Error {
  type: string;
}

export function cloudMap(url: string, region = "us-east-1") {
  return async function call<T = Record<string, any>>(operation: string, input: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `Route53AutoNaming_v20170314.${operation}`,
        Authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261204/${region}/servicediscovery/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as Record<string, any>;
    if (!res.ok) throw Object.assign(new Error(body.message ?? body.Message), { type: body.__type as string });
    return body as T;
  };
}

/** A private DNS namespace and a service in it; returns their ids. */
export async function privateService(
  call: ReturnType<typeof cloudMap>,
  namespace: string,
  service: string,
  records: { Type: string; TTL: number }[],
): Promise<{ namespaceId: string; serviceId: string; serviceArn: string }> {
  const { OperationId } = await call("CreatePrivateDnsNamespace", { Name: namespace, Vpc: "vpc-0a1b2c3d" });
  const op = await call("GetOperation", { OperationId });
  const namespaceId = op.Operation.Targets.NAMESPACE as string;
  const created = await call("CreateService", { Name: service, NamespaceId: namespaceId, DnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: records } });
  return { namespaceId, serviceId: created.Service.Id, serviceArn: created.Service.Arn };
}
