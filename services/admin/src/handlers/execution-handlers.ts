import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@skein/idl/admin/v1";
import type { ExecutionManagers } from "../domain/execution-managers.js";

/** Executions and version deletion, one line each. */
export function executionHandlers(m: ExecutionManagers): Partial<ServiceImpl<typeof AdminService>> {
  return {
    createExecution: (req) => m.executions.create(req),
    getExecution: (req) => m.executions.get(req),
    listExecutions: (req) => m.executions.list(req),
    terminateExecution: (req) => m.executions.terminate(req),
    relaunchExecution: (req) => m.executions.relaunch(req),
    recoverExecution: (req) => m.executions.recover(req),
    updateExecution: (req) => m.executions.update(req),
    deleteExecution: (req) => m.executions.delete(req),
    getExecutionData: (req) => m.executions.getData(req),
    deleteVersion: (req) => m.versions.delete(req),
  };
}
