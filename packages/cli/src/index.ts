export { buildProgram, EXIT_FAILED, EXIT_OK, EXIT_USAGE, runCli } from "./program.js";
export type { Io } from "./program.js";
