export { DEFAULT_ENDPOINT, EndpointError, resolveEndpoint } from "./endpoint.js";
