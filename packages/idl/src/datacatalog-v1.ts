// `skein.datacatalog.v1`, re-exported whole from the generated modules (see index.ts).
import "./text-encoding.js";
export * from "./gen/skein/datacatalog/v1/artifact_pb.js";
export * from "./gen/skein/datacatalog/v1/datacatalog_service_pb.js";
export * from "./gen/skein/datacatalog/v1/dataset_pb.js";
export * from "./gen/skein/datacatalog/v1/reservation_pb.js";
