/**
 * Which infrastructure the tests run against. With SKEIN_TEST_DATABASE_URL / SKEIN_TEST_REDIS_URL
 * set, fixtures use those real servers. Without them a laptop falls back to embedded PostgreSQL
 * (PGlite) and in-process replacements for Redis; under CI (CI=true) a missing server is an error,
 * never a silent fallback.
 */
export interface TestEnvironment {
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly ci: boolean;
}

export function testEnvironment(source: Readonly<Record<string, string | undefined>> = process.env): TestEnvironment {
  const ci = source.CI === "true" || source.CI === "1";
  // SKEIN_TEST_DATABASE=pglite asks for the embedded database on purpose, even where a server is
  // configured: suites that must pass on both run a second time this way.
  const embedded = source.SKEIN_TEST_DATABASE === "pglite";
  const databaseUrl = embedded ? undefined : source.SKEIN_TEST_DATABASE_URL || undefined;
  const redisUrl = source.SKEIN_TEST_REDIS_URL || undefined;
  if (ci) {
    const missing = [!databaseUrl && !embedded && "SKEIN_TEST_DATABASE_URL", !redisUrl && "SKEIN_TEST_REDIS_URL"].filter(Boolean);
    if (missing.length > 0) {
      throw new Error(`CI must run against real servers, but ${missing.join(" and ")} is not set (see .ci/run)`);
    }
  }
  return { databaseUrl, redisUrl, ci };
}

/** A short random suffix that keeps names of concurrent tests apart. */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
