import { request } from "node:https";

/** One answer of the API server: status code, parsed JSON body and every warning it sent. */
export interface KubeResponse {
  status: number;
  body: KubeStatusBody & Record<string, unknown>;
  warnings: string[];
}

/** The fields of a metav1.Status (the body of a refusal) that messages need. */
export interface KubeStatusBody {
  kind?: string;
  message?: string;
  reason?: string;
}

/** Where an API server listens and how to talk to it. */
export interface KubeEndpoint {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** A bearer token of a member of system:masters. */
  token: string;
  /** PEM of the CA that signed the server's certificate. */
  ca: string;
}

/** A resource the server serves: its plural name and whether it lives in a namespace. */
export interface ServedResource {
  plural: string;
  namespaced: boolean;
}

/** A Kubernetes object as rendered: apiVersion, kind, metadata and anything else. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * Parses `Warning` headers (RFC 7234: `299 - "text"`), as the API server sends
 * one per admission or validation warning.
 */
export function parseWarnings(rawHeaders: readonly string[]): string[] {
  const warnings: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== "warning") continue;
    for (const match of (rawHeaders[i + 1] ?? "").matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) {
      warnings.push((match[1] ?? "").replace(/\\(.)/g, "$1"));
    }
  }
  return warnings;
}

/**
 * A small client of the Kubernetes API over HTTPS with a bearer token: enough
 * for server-side apply (real or dry run), create, get, status updates and
 * discovery, and it keeps the `Warning` headers, which kubectl only prints.
 */
export class KubeClient {
  readonly endpoint: KubeEndpoint;
  private served = new Map<string, ServedResource>();

  constructor(endpoint: KubeEndpoint) {
    this.endpoint = endpoint;
  }

  /** Sends one request; a body that is not a string is sent as JSON. Never throws for an HTTP status. */
  send(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<KubeResponse> {
    const url = new URL(path, this.endpoint.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.endpoint.ca,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: "application/json",
            ...(payload === undefined
              ? {}
              : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: Record<string, unknown> = {};
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              parsed = { message: text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings: parseWarnings(res.rawHeaders) });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Reads the server's discovery documents again (after CRDs were installed). */
  async discover(): Promise<void> {
    const served = new Map<string, ServedResource>();
    const versions: string[] = ["v1"];
    const groups = await this.send("GET", "/apis");
    for (const group of (groups.body.groups ?? []) as { versions: { groupVersion: string }[] }[]) {
      for (const version of group.versions) versions.push(version.groupVersion);
    }
    await Promise.all(
      versions.map(async (groupVersion) => {
        const path = groupVersion === "v1" ? "/api/v1" : `/apis/${groupVersion}`;
        const list = await this.send("GET", path);
        if (list.status !== 200) return;
        for (const r of (list.body.resources ?? []) as {
          name: string;
          kind: string;
          namespaced: boolean;
        }[]) {
          if (r.name.includes("/")) continue;
          served.set(`${groupVersion} ${r.kind}`, { plural: r.name, namespaced: r.namespaced });
        }
      }),
    );
    this.served = served;
  }

  /** The resource serving `apiVersion` `kind`, or undefined if the server has none (no CRD). */
  resource(apiVersion: string, kind: string): ServedResource | undefined {
    return this.served.get(`${apiVersion} ${kind}`);
  }

  /**
   * The URL path of an object's collection (`name` omitted) or of the object.
   * Throws if the kind is not served, or a namespaced object names no namespace.
   */
  path(
    object: Pick<KubeObject, "apiVersion" | "kind"> & { metadata: { namespace?: string } },
    name?: string,
  ): string {
    const served = this.resource(object.apiVersion, object.kind);
    if (!served)
      throw new Error(`the API server serves no ${object.kind} in ${object.apiVersion} (no CRD installed)`);
    const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    let path = base;
    if (served.namespaced) {
      if (!object.metadata.namespace) throw new Error(`${object.kind} ${name ?? ""} names no namespace`);
      path += `/namespaces/${encodeURIComponent(object.metadata.namespace)}`;
    }
    path += `/${served.plural}`;
    return name === undefined ? path : `${path}/${encodeURIComponent(name)}`;
  }

  /**
   * Server-side apply of one object as field manager `idp`, with strict field
   * validation (an unknown or duplicated field is an error, not a warning);
   * `dryRun` makes the server run every admission step and store nothing.
   */
  apply(object: KubeObject, options: { dryRun: boolean }): Promise<KubeResponse> {
    const query = new URLSearchParams({ fieldManager: "idp", fieldValidation: "Strict", force: "true" });
    if (options.dryRun) query.set("dryRun", "All");
    return this.send(
      "PATCH",
      `${this.path(object, object.metadata.name)}?${query}`,
      object,
      "application/apply-patch+yaml",
    );
  }

  /** Creates one object (POST), with strict field validation; `dryRun` stores nothing. */
  create(object: KubeObject, options: { dryRun: boolean }): Promise<KubeResponse> {
    const query = new URLSearchParams({ fieldValidation: "Strict" });
    if (options.dryRun) query.set("dryRun", "All");
    return this.send("POST", `${this.path(object)}?${query}`, object);
  }

  /** Reads one object; status 404 when it does not exist. */
  get(object: Pick<KubeObject, "apiVersion" | "kind"> & { metadata: { name: string; namespace?: string } }) {
    return this.send("GET", this.path(object, object.metadata.name));
  }
}

/** A refusal as one line: the server's message, or the status code. */
export function refusal(response: KubeResponse): string {
  return response.body.message ?? `HTTP ${response.status}`;
}
