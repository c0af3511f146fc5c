import { create } from "@bufbuild/protobuf";
import {
  CreateEventsResponseSchema,
  CreateNodeEventResponseSchema,
  CreateTaskEventResponseSchema,
  CreateWorkflowEventResponseSchema,
  EventResultSchema,
  EventSchema,
  type CreateEventsRequest,
  type CreateEventsResponse,
  type CreateNodeEventRequest,
  type CreateNodeEventResponse,
  type CreateTaskEventRequest,
  type CreateTaskEventResponse,
  type CreateWorkflowEventRequest,
  type CreateWorkflowEventResponse,
  type Event,
} from "@skein/idl/admin/v1";
import { invalidArgument } from "@skein/server";
import type { EventIngestion } from "./event-ingestion.js";
import { outcomeToProto, verdictError } from "./event-outcome.js";

/** The event RPCs: single events answer with an error code per outcome, batches with one result per event. */
export class EventManager {
  constructor(private readonly ingestion: EventIngestion) {}

  async createWorkflowEvent(req: CreateWorkflowEventRequest): Promise<CreateWorkflowEventResponse> {
    if (req.event === undefined) throw invalidArgument("event", "is required");
    await this.#single(create(EventSchema, { kind: { case: "workflowEvent", value: req.event } }));
    return create(CreateWorkflowEventResponseSchema, {});
  }

  async createNodeEvent(req: CreateNodeEventRequest): Promise<CreateNodeEventResponse> {
    if (req.event === undefined) throw invalidArgument("event", "is required");
    await this.#single(create(EventSchema, { kind: { case: "nodeEvent", value: req.event } }));
    return create(CreateNodeEventResponseSchema, {});
  }

  async createTaskEvent(req: CreateTaskEventRequest): Promise<CreateTaskEventResponse> {
    if (req.event === undefined) throw invalidArgument("event", "is required");
    await this.#single(create(EventSchema, { kind: { case: "taskEvent", value: req.event } }));
    return create(CreateTaskEventResponseSchema, {});
  }

  async createEvents(req: CreateEventsRequest): Promise<CreateEventsResponse> {
    if (req.events.length === 0 || req.events.length > 500) throw invalidArgument("events", "must hold 1 to 500 events");
    const verdicts = await this.ingestion.apply(req.events);
    return create(CreateEventsResponseSchema, {
      results: verdicts.map((v) => create(EventResultSchema, { outcome: outcomeToProto(v.outcome), message: v.message })),
    });
  }

  async #single(event: Event): Promise<void> {
    const [result] = await this.ingestion.apply([event]);
    const error = result === undefined ? undefined : verdictError(result);
    if (error !== undefined) throw error;
  }
}
