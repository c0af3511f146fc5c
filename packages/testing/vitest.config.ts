import { defineConfig } from "vitest/config";

// Embedded PostgreSQL takes seconds to start on a busy machine; real servers are quick.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
