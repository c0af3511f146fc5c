import { Code } from "@connectrpc/connect";
import { SimpleType } from "@skein/idl";
import { boolLiteral, intLiteral, simpleType, stringLiteral } from "@skein/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { insertExecution } from "../test-support/event-fixtures.js";
import { failure } from "../test-support/call-failure.js";

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  await insertExecution(admin.db, "gated");
});
afterAll(() => admin.destroy());

const signalId = (id: string, name = "gated") => ({ signalId: id, executionId: { project: "proj", domain: "development", name } });

describe("signals", () => {
  it("creates a signal unset once, and returns the same one again", async () => {
    const first = await admin.client.getOrCreateSignal({ id: signalId("approve"), type: simpleType(SimpleType.BOOLEAN) });
    expect(first.signal?.value).toBeUndefined();
    expect(first.signal?.setAt).toBeUndefined();
    admin.clock.advance(1_000);
    const again = await admin.client.getOrCreateSignal({ id: signalId("approve"), type: simpleType(SimpleType.BOOLEAN) });
    expect(again.signal).toEqual(first.signal);
  });

  it("refuses the same id with another type, and an unknown execution", async () => {
    await admin.client.getOrCreateSignal({ id: signalId("count"), type: simpleType(SimpleType.INTEGER) });
    expect(await failure(admin.client.getOrCreateSignal({ id: signalId("count"), type: simpleType(SimpleType.STRING) }))).toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage: 'signal "proj/development/gated/count" already exists with type int, not string',
    });
    expect((await failure(admin.client.getOrCreateSignal({ id: signalId("x", "ghost"), type: simpleType(SimpleType.STRING) }))).code).toBe(Code.NotFound);
  });

  it("sets a value of the right type once; the same value again is a no-op, another one refused", async () => {
    await admin.client.getOrCreateSignal({ id: signalId("ok"), type: simpleType(SimpleType.BOOLEAN) });
    const set = await admin.client.setSignal({ id: signalId("ok"), value: boolLiteral(true) });
    expect(set.signal?.value).toEqual(boolLiteral(true));
    expect(set.signal?.setAt).toBeDefined();
    admin.clock.advance(1_000);
    expect((await admin.client.setSignal({ id: signalId("ok"), value: boolLiteral(true) })).signal).toEqual(set.signal);
    expect(await failure(admin.client.setSignal({ id: signalId("ok"), value: boolLiteral(false) }))).toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage: 'signal "proj/development/gated/ok" is already set to a different value',
    });
  });

  it("refuses a value of the wrong type naming value, and an unknown signal", async () => {
    await admin.client.getOrCreateSignal({ id: signalId("n"), type: simpleType(SimpleType.INTEGER) });
    const wrong = await failure(admin.client.setSignal({ id: signalId("n"), value: stringLiteral("seven") }));
    expect(wrong.code).toBe(Code.InvalidArgument);
    expect(wrong.rawMessage).toMatch(/^value: does not match the signal's type int \(value: expected int, got string/);
    expect((await admin.client.listSignals({ executionId: signalId("n").executionId, filters: "eq(signal_id,n)" })).signals[0]?.value).toBeUndefined();
    expect(await failure(admin.client.setSignal({ id: signalId("missing"), value: intLiteral(1n) }))).toMatchObject({
      code: Code.NotFound,
      rawMessage: 'signal "proj/development/gated/missing" not found',
    });
  });

  it("lists an execution's signals with paging and filters", async () => {
    await insertExecution(admin.db, "listed");
    for (const id of ["a", "b", "c"]) {
      admin.clock.advance(1_000);
      await admin.client.getOrCreateSignal({ id: signalId(id, "listed"), type: simpleType(SimpleType.BOOLEAN) });
    }
    await admin.client.setSignal({ id: signalId("b", "listed"), value: boolLiteral(true) });
    const executionId = signalId("a", "listed").executionId;
    const first = await admin.client.listSignals({ executionId, limit: 2 });
    const second = await admin.client.listSignals({ executionId, limit: 2, token: first.nextToken });
    expect([...first.signals, ...second.signals].map((s) => s.id?.signalId)).toEqual(["c", "b", "a"]);
    expect(second.nextToken).toBe("");
    expect((await admin.client.listSignals({ executionId, filters: "eq(is_set,true)" })).signals.map((s) => s.id?.signalId)).toEqual(["b"]);
    expect((await failure(admin.client.listSignals({ executionId, filters: "eq(colour,red)" }))).code).toBe(Code.InvalidArgument);
  });
});
