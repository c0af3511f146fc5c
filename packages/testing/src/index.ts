export { createTestDatabase, serverHasDatabase, sql } from "./database.js";
export type { TestDatabase, TestDatabaseOptions } from "./database.js";
export { testEnvironment, uniqueSuffix } from "./environment.js";
export type { TestEnvironment } from "./environment.js";
export { createTestRedis } from "./redis.js";
export type { TestRedis } from "./redis.js";
export { startTcpProxy } from "./tcp-proxy.js";
export type { TcpProxy } from "./tcp-proxy.js";
