// `skein.connector.v1`, re-exported whole from the generated modules (see index.ts).
import "./text-encoding.js";
export * from "./gen/skein/connector/v1/connector_metadata_service_pb.js";
export * from "./gen/skein/connector/v1/connector_pb.js";
export * from "./gen/skein/connector/v1/connector_service_pb.js";
