import { clone, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { DynamicJobSpec, Identifier, LaunchPlanTemplate, Node, TaskTemplate, WorkflowTemplate } from "@skein/idl";
import { DynamicJobSpecSchema, LaunchPlanTemplateSchema, TaskTemplateSchema, WorkflowTemplateSchema } from "@skein/idl";

// Definitions leave project, domain and version empty in every identifier; registration (and a
// dynamic task at run time) fills them. These functions return copies with the empty parts of
// every identifier filled, including the references inside nodes.

/** The project, domain and version entities are registered under. */
export interface Identity {
  readonly project: string;
  readonly domain: string;
  readonly version: string;
}

function fillId(id: Identifier | undefined, identity: Identity): void {
  if (!id) return;
  if (id.project === "") id.project = identity.project;
  if (id.domain === "") id.domain = identity.domain;
  if (id.version === "") id.version = identity.version;
}

function fillNode(node: Node | undefined, identity: Identity): void {
  if (!node) return;
  const t = node.target;
  switch (t.case) {
    case "taskNode":
      if (t.value.reference.case === "referenceId") fillId(t.value.reference.value, identity);
      return;
    case "workflowNode":
      fillId(t.value.reference.value, identity);
      return;
    case "branchNode": {
      const ifElse = t.value.ifElse;
      fillNode(ifElse?.case?.thenNode, identity);
      for (const block of ifElse?.other ?? []) fillNode(block.thenNode, identity);
      if (ifElse?.default.case === "elseNode") fillNode(ifElse.default.value, identity);
      return;
    }
    case "arrayNode":
      fillNode(t.value.node, identity);
      return;
    case "gateNode":
    case undefined:
      return;
  }
}

function fillWorkflow(template: WorkflowTemplate, identity: Identity): void {
  fillId(template.id, identity);
  for (const node of template.nodes) fillNode(node, identity);
  fillNode(template.failureNode, identity);
}

function copy<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, fill: (m: MessageShape<Desc>) => void): MessageShape<Desc> {
  const result = clone(schema, message);
  fill(result);
  return result;
}

export function taskWithIdentity(template: TaskTemplate, identity: Identity): TaskTemplate {
  return copy(TaskTemplateSchema, template, (t) => {
    fillId(t.id, identity);
  });
}

export function workflowWithIdentity(template: WorkflowTemplate, identity: Identity): WorkflowTemplate {
  return copy(WorkflowTemplateSchema, template, (t) => {
    fillWorkflow(t, identity);
  });
}

export function launchPlanWithIdentity(template: LaunchPlanTemplate, identity: Identity): LaunchPlanTemplate {
  return copy(LaunchPlanTemplateSchema, template, (t) => {
    fillId(t.id, identity);
  });
}

export function dynamicSpecWithIdentity(spec: DynamicJobSpec, identity: Identity): DynamicJobSpec {
  return copy(DynamicJobSpecSchema, spec, (s) => {
    for (const node of s.nodes) fillNode(node, identity);
    for (const task of s.tasks) fillId(task.id, identity);
    for (const sub of s.subworkflows) fillWorkflow(sub, identity);
  });
}
