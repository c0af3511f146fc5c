import { VersionState } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import type { VersionRowState } from "../database.js";

/** The API's view of a stored version state. */
export function versionStateFromRow(state: VersionRowState): VersionState {
  switch (state) {
    case "active":
      return VersionState.ACTIVE;
    case "archived":
      return VersionState.ARCHIVED;
    default:
      return assertNever(state, "version row state");
  }
}
