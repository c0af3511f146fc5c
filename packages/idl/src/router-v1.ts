// `skein.router.v1`, re-exported whole from the generated modules (see index.ts).
import "./text-encoding.js";
export * from "./gen/skein/router/v1/assignment_pb.js";
export * from "./gen/skein/router/v1/cluster_pb.js";
export * from "./gen/skein/router/v1/router_service_pb.js";
