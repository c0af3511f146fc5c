import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { AdminService } from "@skein/idl/admin/v1";
import { describe, expect, it } from "vitest";
import { createErrorInterceptor } from "./error-interceptor.js";
import { alreadyExists, invalidArgument, isUniqueViolation, notFound, sqlState } from "./errors.js";
import { createLogger, createMemorySink } from "./logger.js";
import { createValidationInterceptor } from "./validation-interceptor.js";

function setup(fail: (id: string) => never) {
  const sink = createMemorySink();
  const logger = createLogger({ component: "admin", sink });
  const transport = createRouterTransport(
    (router) => {
      router.service(AdminService, {
        getProject: (req) => fail(req.id),
        registerProject: (req) => ({ project: req.project }),
        async *watchExecution() {
          yield {};
          throw new Error("stream broke: password=hunter2");
        },
      });
    },
    { router: { interceptors: [createErrorInterceptor(logger), createValidationInterceptor()] } },
  );
  return { client: createClient(AdminService, transport), records: sink.records };
}

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => ConnectError.from(e),
  );
}

describe("validation interceptor", () => {
  it("rejects with InvalidArgument naming every invalid field", async () => {
    const { client } = setup(() => expect.fail("not called"));
    const error = await failure(client.registerProject({ project: { id: "Bad Id", name: "x".repeat(129) } }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/^invalid skein\.admin\.v1\.RegisterProjectRequest: /);
    expect(error.rawMessage).toMatch(/project\.id: does not match regex pattern `\^\[a-z0-9\]/);
    expect(error.rawMessage).toMatch(/; project\.name: must be at most 128 characters$/);
    const missing = await failure(client.registerProject({}));
    expect(missing.rawMessage).toContain("project: value is required");
  });

  it("lets valid messages through", async () => {
    const { client } = setup(() => expect.fail("not called"));
    expect((await client.registerProject({ project: { id: "demo" } })).project?.id).toBe("demo");
  });
});

describe("error interceptor", () => {
  it("keeps code and message of a ConnectError, drops its cause, and logs the cause at warn", async () => {
    const { client, records } = setup((id) => {
      throw notFound(`project "${id}"`, new Error("row missing in SELECT ..."));
    });
    const error = await failure(client.getProject({ id: "demo" }));
    expect(error).toMatchObject({ code: Code.NotFound, rawMessage: 'project "demo" not found' });
    expect(error.cause).toBeUndefined();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: "warn", component: "admin", fields: { procedure: "skein.admin.v1.AdminService/GetProject", code: "NotFound" } });
    expect((records[0]?.fields.cause as Error).message).toContain("row missing");
  });

  it("turns any other error into Internal without its text, logged at error", async () => {
    const { client, records } = setup(() => {
      throw new Error('relation "project" does not exist');
    });
    const error = await failure(client.getProject({ id: "demo" }));
    expect(error).toMatchObject({ code: Code.Internal, rawMessage: "internal error" });
    expect(records[0]).toMatchObject({ level: "error", msg: "request failed unexpectedly" });
    expect((records[0]?.fields.error as Error).message).toContain("does not exist");
  });

  it("normalizes errors raised while a response streams", async () => {
    const { client, records } = setup(() => expect.fail("not called"));
    const received: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const message of client.watchExecution({ id: { project: "demo", domain: "development", name: "abc" } })) received.push(message);
      })(),
    );
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ code: Code.Internal, rawMessage: "internal error" });
    expect(records.at(-1)?.level).toBe("error");
  });
});

describe("error helpers", () => {
  it("create errors with their code and a message naming the subject", () => {
    expect(alreadyExists('project "demo"')).toMatchObject({ code: Code.AlreadyExists, rawMessage: 'project "demo" already exists' });
    expect(invalidArgument("token", "is not a token from this list")).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "token: is not a token from this list",
    });
  });

  it("recognise PostgreSQL unique violations by SQLSTATE", () => {
    expect(isUniqueViolation(Object.assign(new Error("dup"), { code: "23505" }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error("fk"), { code: "23503" }))).toBe(false);
    expect(sqlState(Object.assign(new Error("io"), { code: "ECONNRESET" }))).toBeUndefined();
    expect(sqlState("23505")).toBeUndefined();
  });
});
