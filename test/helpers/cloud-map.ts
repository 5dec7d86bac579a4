// A Cloud Map (servicediscovery) client for tests: signed-shape awsJson 1.1 calls with fetch,
// since berth's package has no servicediscovery SDK client. Errors come back as {__type, message}.
export interface CloudMapError extends Error {
  type: string;
}

export function cloudMap(url: string, region = "us-east-1") {
  return Object.assign(call, { url, region });
  async function call<T = Record<string, any>>(operation: string, input: Record<string, unknown> = {}): Promise<T> {
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
  }
}

/** The region's default VPC, through berth's EC2 API (ec2 query protocol), as a user finds it. */
export async function defaultVpcId(url: string, region = "us-east-1"): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
      Authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261204/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=true",
  });
  const xml = await res.text();
  const id = /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/.exec(xml)?.[1];
  if (!id) throw new Error(`no default VPC in DescribeVpcs: ${xml.slice(0, 300)}`);
  return id;
}

/** A private DNS namespace in the region's default VPC and a service in it; returns their ids. */
export async function privateService(
  call: ReturnType<typeof cloudMap>,
  namespace: string,
  service: string,
  records: { Type: string; TTL: number }[],
): Promise<{ namespaceId: string; serviceId: string; serviceArn: string }> {
  const { OperationId } = await call("CreatePrivateDnsNamespace", { Name: namespace, Vpc: await defaultVpcId(call.url, call.region) });
  const op = await call("GetOperation", { OperationId });
  const namespaceId = op.Operation.Targets.NAMESPACE as string;
  const created = await call("CreateService", { Name: service, NamespaceId: namespaceId, DnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: records } });
  return { namespaceId, serviceId: created.Service.Id, serviceArn: created.Service.Arn };
}
