import { Code, ConnectError } from "@connectrpc/connect";
import { AwsClient } from "aws4fetch";
import type { BlobStore } from "./blob-store.js";
import { blobNotFound, checkBlobKey, keyOfUri } from "./blob-key.js";

/** How to reach an S3-compatible store. */
export interface S3Options {
  /** Service endpoint, e.g. `http://127.0.0.1:9000`; default AWS (`https://s3.<region>.amazonaws.com`). */
  readonly endpoint?: string;
  /** Signing region; default `us-east-1`. */
  readonly region?: string;
  /** Address buckets as `<endpoint>/<bucket>` instead of `<bucket>.<host>`; most self-hosted stores need it. */
  readonly pathStyle?: boolean;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

// Objects deleted at once by deletePrefix; keeps a large prefix from opening hundreds of requests.
const DELETE_PARALLELISM = 8;

/**
 * A blob store in one bucket (and optional key prefix) of any store that speaks the S3 REST API,
 * signed with AWS Signature Version 4. Uses only GET/PUT/HEAD/DELETE of single objects and
 * ListObjects, which every S3-compatible server implements.
 */
export class S3BlobStore implements BlobStore {
  readonly baseUri: string;
  readonly #bucketUrl: string;
  readonly #prefix: string;
  readonly #client: AwsClient;

  constructor(bucket: string, prefix: string, options: S3Options) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`s3 bucket name "${bucket}" is not valid`);
    const cleanPrefix = prefix.replace(/^\/+|\/+$/g, "");
    if (cleanPrefix !== "") checkBlobKey(cleanPrefix);
    const region = options.region ?? "us-east-1";
    const endpoint = new URL(options.endpoint ?? `https://s3.${region}.amazonaws.com`);
    const base = endpoint.href.replace(/\/$/, "");
    this.#bucketUrl = options.pathStyle === true ? `${base}/${bucket}` : `${endpoint.protocol}//${bucket}.${endpoint.host}${endpoint.pathname.replace(/\/$/, "")}`;
    this.#prefix = cleanPrefix;
    this.baseUri = cleanPrefix === "" ? `s3://${bucket}` : `s3://${bucket}/${cleanPrefix}`;
    this.#client = new AwsClient({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
      service: "s3",
      region,
      retries: 2,
    });
  }

  async put(key: string, data: Uint8Array): Promise<string> {
    checkBlobKey(key);
    const uri = `${this.baseUri}/${key}`;
    const response = await this.#send("PUT", this.#objectUrl(key), uri, data);
    await response.arrayBuffer();
    return uri;
  }

  async get(uri: string): Promise<Uint8Array> {
    const response = await this.#send("GET", this.#objectUrl(keyOfUri(this.baseUri, uri)), uri, undefined, [404]);
    if (response.status === 404) {
      await response.arrayBuffer();
      throw blobNotFound(uri);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  async exists(uri: string): Promise<boolean> {
    const response = await this.#send("HEAD", this.#objectUrl(keyOfUri(this.baseUri, uri)), uri, undefined, [404]);
    await response.arrayBuffer();
    return response.status !== 404;
  }

  async deletePrefix(uri: string): Promise<number> {
    const key = keyOfUri(this.baseUri, uri, true);
    const keys: string[] = [];
    const single = key === "" ? undefined : this.#fullKey(key);
    const folder = key === "" ? (this.#prefix === "" ? "" : `${this.#prefix}/`) : `${single}/`;
    for await (const found of this.#list(folder)) keys.push(found);
    if (single !== undefined && (await this.exists(uri))) keys.push(single);
    for (let i = 0; i < keys.length; i += DELETE_PARALLELISM) {
      await Promise.all(
        keys.slice(i, i + DELETE_PARALLELISM).map(async (k) => {
          const response = await this.#send("DELETE", `${this.#bucketUrl}/${encodeKey(k)}`, `${this.baseUri} ${k}`, undefined, [404]);
          await response.arrayBuffer();
        }),
      );
    }
    return keys.length;
  }

  /**
   * Every full key under `prefix`, page by page. Uses ListObjects (version 1) with the last key
   * of a page as the next marker: every S3-compatible server pages that way, whereas version 2
   * continuation tokens are implemented unevenly.
   */
  async *#list(prefix: string): AsyncGenerator<string> {
    let marker = "";
    for (;;) {
      const query = new URLSearchParams({ prefix });
      if (marker !== "") query.set("marker", marker);
      const response = await this.#send("GET", `${this.#bucketUrl}/?${query.toString()}`, `${this.baseUri} list ${prefix}`);
      const xml = await response.text();
      const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => decodeXml(match[1] ?? ""));
      yield* keys;
      const last = keys.at(-1);
      if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || last === undefined) return;
      marker = last;
    }
  }

  #fullKey(key: string): string {
    return this.#prefix === "" ? key : `${this.#prefix}/${key}`;
  }

  #objectUrl(key: string): string {
    return `${this.#bucketUrl}/${encodeKey(this.#fullKey(key))}`;
  }

  /** Sends a signed request; statuses other than 2xx and `accepted` become Connect errors. */
  async #send(method: string, url: string, what: string, body?: Uint8Array, accepted: readonly number[] = []): Promise<Response> {
    let response: Response;
    try {
      response = await this.#client.fetch(url, { method, body });
    } catch (error) {
      throw new ConnectError(`blob store: ${method} ${what} failed to reach the server`, Code.Unavailable, undefined, undefined, error);
    }
    if (response.ok || accepted.includes(response.status)) return response;
    const detail = (await response.text()).slice(0, 300);
    const code = response.status >= 500 ? Code.Unavailable : response.status === 403 ? Code.PermissionDenied : Code.Internal;
    throw new ConnectError(`blob store: ${method} ${what} answered HTTP ${response.status}`, code, undefined, undefined, new Error(detail));
  }
}

function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
