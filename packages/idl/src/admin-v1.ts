// `skein.admin.v1`, re-exported whole from the generated modules (see index.ts).
import "./text-encoding.js";
export * from "./gen/skein/admin/v1/admin_service_pb.js";
export * from "./gen/skein/admin/v1/attributes_pb.js";
export * from "./gen/skein/admin/v1/common_pb.js";
export * from "./gen/skein/admin/v1/entity_pb.js";
export * from "./gen/skein/admin/v1/event_pb.js";
export * from "./gen/skein/admin/v1/execution_pb.js";
export * from "./gen/skein/admin/v1/launch_plan_pb.js";
export * from "./gen/skein/admin/v1/node_execution_pb.js";
export * from "./gen/skein/admin/v1/project_pb.js";
export * from "./gen/skein/admin/v1/signal_pb.js";
export * from "./gen/skein/admin/v1/task_execution_pb.js";
