import { describe, expect, it } from "vitest";
import { grpcPercentEncode } from "./grpc-message.js";

describe("grpcPercentEncode", () => {
  it("leaves printable ASCII alone and encodes %, control characters and non-ASCII as UTF-8 bytes", () => {
    expect(grpcPercentEncode("id: does not match `^[a-z]{0,61}$`?")).toBe("id: does not match `^[a-z]{0,61}$`?");
    expect(grpcPercentEncode("100% ✓\n")).toBe("100%25 %E2%9C%93%0A");
    expect(decodeURI(grpcPercentEncode("100% ✓\n"))).toBe("100% ✓\n");
    expect(decodeURIComponent(grpcPercentEncode("a:b 100%"))).toBe("a:b 100%");
  });
});
