// Where each load balancer's listeners bind: an address of its own in 127.100.0.0/16, unique on
// the host across every account and region, so two load balancers can both listen on port 80.
// Each address in use is a marker key under the store root (outside any account's prefix),
// created with a must-not-exist guard in the load balancer's own commit: two concurrent creates
// can never take the same address, and DeleteLoadBalancer frees it in its commit.
import { ROOT } from "../keys.js";

export const bindAddressKeys = {
  all: `${ROOT}host/elb-bind-addresses/`,
  of: (address: string) => `${ROOT}host/elb-bind-addresses/${address}`,
};

/** The marker's value: who holds the address. */
export interface BindAddressMarker {
  loadBalancerArn: string;
}

/**
 * The lowest free address from 127.100.0.1 upwards (127.100.x.y, y from 1 to 254, so no
 * address ends in .0 or .255), or undefined when all 65,024 are taken. Pure.
 */
export function nextBindAddress(taken: ReadonlySet<string>): string | undefined {
  for (let x = 0; x <= 255; x++) {
    for (let y = 1; y <= 254; y++) {
      const address = `127.100.${x}.${y}`;
      if (!taken.has(address)) return address;
    }
  }
  return undefined;
}
