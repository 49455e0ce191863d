// The real services for the browser tests: Ingest, Retention and the Catalog as processes (the Release build
// deploy/local/test.sh made), on free loopback ports, against a database and a RabbitMQ virtual host of their
// own on the PostgreSQL and RabbitMQ that test.sh started (SHARELM_TEST_POSTGRES, SHARELM_TEST_RABBITMQ,
// SHARELM_TEST_RABBITMQ_MANAGEMENT). Everything is removed again by stop().

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = join(import.meta.dirname, "..", "..", "..");

export type ServiceName = "Ingest" | "Retention" | "Catalog";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through deploy/local/test.sh`);
  return value;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

export class Stack {
  readonly name = `sharelm_ext_${randomBytes(6).toString("hex")}`;
  readonly dir = mkdtempSync(join(tmpdir(), "sharelm-ext-"));
  readonly urls = new Map<ServiceName, string>();
  readonly processes = new Map<ServiceName, ChildProcess>();
  readonly admin = required("SHARELM_TEST_POSTGRES");
  readonly rabbit = new URL(required("SHARELM_TEST_RABBITMQ"));
  readonly management = required("SHARELM_TEST_RABBITMQ_MANAGEMENT");

  constructor(readonly hold: string) {}

  get postgres(): string {
    const url = new URL(this.admin);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  get ingest(): string { return this.urls.get("Ingest")!; }
  get catalog(): string { return this.urls.get("Catalog")!; }

  async managementCall(method: string, path: string, body?: unknown): Promise<Response> {
    const auth = Buffer.from(`${decodeURIComponent(this.rabbit.username)}:${decodeURIComponent(this.rabbit.password)}`).toString("base64");
    return fetch(`${this.management}${path}`, {
      method, headers: { authorization: `Basic ${auth}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async create(): Promise<void> {
    execFileSync("psql", [this.admin, "-q", "-c", `create database ${this.name}`], { stdio: "pipe" });
    await this.managementCall("PUT", `/api/vhosts/${this.name}`, {});
    await this.managementCall("PUT", `/api/permissions/${this.name}/${this.rabbit.username}`, { configure: ".*", write: ".*", read: ".*" });
  }

  settings(): Record<string, string> {
    const amqp = new URL(this.rabbit.toString());
    amqp.pathname = `/${this.name}`;
    return {
      ConnectionStrings__Postgres: this.postgres,
      ConnectionStrings__RabbitMq: amqp.toString(),
      Retention__HoldWindow: this.hold,
      Catalog__ReleaseSecret: "extension-tests-release-secret",
      Language__Accuracy: "Low", // as in every test stack: the high-accuracy models take seconds to load
      Catalog__ReportMinimumAge: "00:00:00", // the token's minimum age has tests of its own; a test reads fast
      Catalog__SnapshotDirectory: join(this.dir, "snapshots"),
      Ingest__ContributorRequestsPerMinute: "100000",
      Ingest__RegistrationsPerMinutePerAddress: "100000",
      DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    };
  }

  async start(service: ServiceName): Promise<void> {
    const port = this.urls.get(service)?.split(":").pop() ?? String(await freePort());
    const url = `http://127.0.0.1:${port}`;
    const dll = join(repo, "services", `ShareLM.${service}`, "bin", "Release", "net10.0", `ShareLM.${service}.dll`);
    const log = openSync(join(this.dir, `${service}.log`), "a");
    const child = spawn("dotnet", [dll, `--urls=${url}`], { env: { ...process.env, ...this.settings() }, stdio: ["ignore", log, log] });
    this.processes.set(service, child);
    this.urls.set(service, url);
    await until(async () => (await fetch(`${url}/health/ready`)).ok, 90_000, `${service} to be ready`);
  }

  async stopService(service: ServiceName): Promise<void> {
    const child = this.processes.get(service);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    this.processes.delete(service);
  }

  async startAll(): Promise<void> {
    await this.create();
    for (const service of ["Ingest", "Retention", "Catalog"] as const) await this.start(service);
  }

  async stop(): Promise<void> {
    for (const service of ["Catalog", "Retention", "Ingest"] as const) await this.stopService(service);
    try { execFileSync("psql", [this.admin, "-q", "-c", `drop database if exists ${this.name} with (force)`], { stdio: "pipe" }); } catch { /* best effort */ }
    await this.managementCall("DELETE", `/api/vhosts/${this.name}`).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The public feed, every entry. */
  async feed(): Promise<{ op: string; record?: { conversation_id: string; conversation: { content: string }[] }; conversation_id?: string }[]> {
    const text = await (await fetch(`${this.catalog}/v1/feed?after=0&limit=1000`)).text();
    return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  }
}
