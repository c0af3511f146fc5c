import { ExecutionMode } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";

/** How a row stores the execution mode: the enum value name, lowercase, without prefix. */
export function executionModeToRow(mode: ExecutionMode): string {
  switch (mode) {
    case ExecutionMode.UNSPECIFIED:
    case ExecutionMode.MANUAL:
      return "manual";
    case ExecutionMode.SCHEDULED:
      return "scheduled";
    case ExecutionMode.SYSTEM:
      return "system";
    case ExecutionMode.RELAUNCH:
      return "relaunch";
    case ExecutionMode.CHILD_WORKFLOW:
      return "child_workflow";
    case ExecutionMode.RECOVERED:
      return "recovered";
    default:
      return assertNever(mode, "execution mode");
  }
}
