import { createHash } from "node:crypto";
import type { NodePath } from "@skein/engine";

// Engine node paths (`n3/n3-then`, `n7/12`) become admin node ids, which allow no `/`: segments
// are joined with `-`, as nested node ids are in the reference system. An id past admin's 255
// characters keeps a readable head and ends in a digest of the whole path, so it stays unique.

const MAX_NODE_ID = 255;

/** The admin node id of an engine path. */
export function nodeIdOf(path: NodePath): string {
  const joined = path.replaceAll("/", "-");
  if (joined.length <= MAX_NODE_ID) return joined;
  const digest = createHash("sha256").update(path).digest("hex").slice(0, 16);
  return `${joined.slice(0, MAX_NODE_ID - digest.length - 1)}-${digest}`;
}

/** The parent path of a nested path; undefined for a top-level node. */
export function parentPathOf(path: NodePath): NodePath | undefined {
  const at = path.lastIndexOf("/");
  return at < 0 ? undefined : path.slice(0, at);
}

/** The last segment of a path: the node's id within its parent. */
export function specNodeIdOf(path: NodePath): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
