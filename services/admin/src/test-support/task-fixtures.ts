import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { IdentifierSchema, ResourceType, SimpleType, TaskTemplateSchema, type Identifier, type TaskTemplate } from "@skein/idl";
import type { CreateTaskRequestSchema } from "@skein/idl/admin/v1";
import { simpleType } from "@skein/engine";

/** The identifier of a task version, in project `project` and domain development unless given. */
export function taskId(name: string, version = "v1", project = "proj", domain = "development"): Identifier {
  return create(IdentifierSchema, { resourceType: ResourceType.TASK, project, domain, name, version });
}

// Plain-object init only, so it can be spread over the defaults.
type TemplateInit = Exclude<MessageInitShape<typeof TaskTemplateSchema>, TaskTemplate>;

/** A sound container task `x: int → y: int`, with `init` merged over it. */
export function taskTemplate(id: Identifier, init: TemplateInit = {}): TaskTemplate {
  return create(TaskTemplateSchema, {
    id,
    type: "container",
    interface: {
      inputs: { variables: { x: { type: simpleType(SimpleType.INTEGER), description: "x" } } },
      outputs: { variables: { y: { type: simpleType(SimpleType.INTEGER), description: "y" } } },
    },
    target: { case: "container", value: { image: "node:22", args: ["run", "{{.input}}"] } },
    ...init,
  });
}

/** A CreateTask request registering `taskTemplate(id, init)`. */
export function createTaskRequest(id: Identifier, init: TemplateInit = {}): MessageInitShape<typeof CreateTaskRequestSchema> {
  return { id, spec: { template: taskTemplate(id, init), description: "doubles x" } };
}
