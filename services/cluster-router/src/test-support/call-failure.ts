import { ConnectError } from "@connectrpc/connect";
import { expect } from "vitest";

/** The error a call fails with, as a ConnectError; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => ConnectError.from(e),
  );
}
