import type { ResolvedService } from "../../model/resolved.js";

/** What `${calls.NAME.X}` offers about a called service. */
export interface CallAddress {
  /** `NAME` in the caller's namespace, else `NAME.<namespace>.svc.cluster.local`. */
  host: string;
  /** The called service's first Service port. */
  port: string;
  /** `host:port`. */
  address: string;
  /**
   * `http://host:port` when the first port speaks http; for a grpc or tcp
   * first port there is no URL scheme that fits every client, so the url is
   * `host:port` (what gRPC clients take as a target).
   */
  url: string;
}

/** How `caller` reaches `called` through its Kubernetes Service. */
export function callAddress(caller: ResolvedService, called: ResolvedService): CallAddress {
  const first = called.ports[0];
  if (!first) throw new Error(`${called.name} has no ports, so ${caller.name} cannot call it`);
  const host =
    called.namespace === caller.namespace
      ? called.name
      : `${called.name}.${called.namespace}.svc.cluster.local`;
  const port = String(first.port);
  const address = `${host}:${port}`;
  return { host, port, address, url: first.protocol === "http" ? `http://${address}` : address };
}
