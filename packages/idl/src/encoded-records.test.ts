import { create, equals, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CreateEventsRequestSchema, EventSchema, type Event } from "./admin-v1.js";
import { NodeExecutionPhase, withEncodedRecords } from "./index.js";

const event = (nodeId: string): Event =>
  create(EventSchema, {
    kind: { case: "nodeEvent", value: { id: { nodeId, executionId: { project: "p", domain: "d", name: "e" } }, phase: NodeExecutionPhase.RUNNING, producerId: "c" } },
  });

describe("withEncodedRecords", () => {
  it("puts encoded records on the wire where the decoded ones would be, in order", () => {
    const events = [event("n0"), event("n1"), event("n2")];
    const request = withEncodedRecords(CreateEventsRequestSchema, 1, events.map((e) => toBinary(EventSchema, e)));
    const bytes = toBinary(CreateEventsRequestSchema, request);
    expect(bytes).toEqual(toBinary(CreateEventsRequestSchema, create(CreateEventsRequestSchema, { events })));
    const decoded = fromBinary(CreateEventsRequestSchema, bytes);
    expect(decoded.events.map((e) => (e.kind.case === "nodeEvent" ? e.kind.value.id?.nodeId : ""))).toEqual(["n0", "n1", "n2"]);
    expect(equals(CreateEventsRequestSchema, decoded, create(CreateEventsRequestSchema, { events }))).toBe(true);
  });

  it("has nothing to say in JSON", () => {
    const request = withEncodedRecords(CreateEventsRequestSchema, 1, [toBinary(EventSchema, event("n0"))]);
    expect(toJson(CreateEventsRequestSchema, request)).toEqual({});
  });
});
