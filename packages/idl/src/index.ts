// The package root is `skein.core.v1`, the contracts everything else is built from. The service
// packages have subpaths of their own (`@skein/idl/admin/v1`, ...), and so does validation
// (`@skein/idl/validate`), so that loading the types does not load the rule engine.
// Generated modules are re-exported whole: they are the contract, and listing hundreds of
// generated names by hand would only drift.
import "./text-encoding.js";
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
export { withEncodedRecords } from "./encoded-records.js";
