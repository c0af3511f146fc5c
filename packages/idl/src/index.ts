// The package root is `skein.core.v1`, the contracts everything else is built from, plus the
// validation helpers. The service packages have subpaths of their own (`@skein/idl/admin/v1`, ...).
// Generated modules are re-exported whole: they are the contract, and listing hundreds of
// generated names by hand would only drift.
export * from "./gen/skein/core/v1/compiler_pb.js";
export * from "./gen/skein/core/v1/condition_pb.js";
export * from "./gen/skein/core/v1/dynamic_job_pb.js";
export * from "./gen/skein/core/v1/events_pb.js";
export * from "./gen/skein/core/v1/execution_pb.js";
export * from "./gen/skein/core/v1/identifier_pb.js";
export * from "./gen/skein/core/v1/interface_pb.js";
export * from "./gen/skein/core/v1/literals_pb.js";
export * from "./gen/skein/core/v1/tasks_pb.js";
export * from "./gen/skein/core/v1/types_pb.js";
export * from "./gen/skein/core/v1/workflow_pb.js";
export { assertValid, validate, ValidationError } from "./validate.js";
export type { FieldViolation } from "./validate.js";
