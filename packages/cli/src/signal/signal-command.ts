import { create } from "@bufbuild/protobuf";
import { WorkflowExecutionIdentifierSchema } from "@skein/idl";
import type { Command } from "commander";
import { describeType } from "@skein/engine";
import type { WorkflowExecutionIdentifier } from "@skein/idl";
import type { Signal } from "@skein/idl/admin/v1";
import { parseCliValue, type AdminClient } from "@skein/sdk";
import { UsageError } from "../run/args.js";
import { remoteAction, type RemoteIo } from "../remote/action.js";
import { endpointFlag, targetOptions, type Outcome } from "../remote/command-options.js";

async function findSignal(client: AdminClient, executionId: WorkflowExecutionIdentifier, name: string): Promise<Signal | undefined> {
  const known: string[] = [];
  let token = "";
  do {
    const page = await client.listSignals({ executionId, token, limit: 1000 });
    const found = page.signals.find((s) => s.id?.signalId === name);
    if (found) return found;
    known.push(...page.signals.map((s) => s.id?.signalId ?? ""));
    token = page.nextToken;
  } while (token !== "");
  throw new UsageError(`signal: execution ${executionId.name} is not waiting for a signal named "${name}" (${known.length > 0 ? `signals: ${known.join(", ")}` : "no gate has asked for one yet"})`);
}

/** `skein signal set EXECUTION NAME VALUE`: releases a gate; VALUE is parsed by the signal's type. */
export function addSignalCommand(program: Command, io: RemoteIo, outcome: Outcome): void {
  const signal = program.command("signal").description("set the values that gate nodes wait for");
  targetOptions(
    signal
      .command("set")
      .description("set a signal, releasing the gate that waits for it (approve: true or false)")
      .argument("<execution>", "the execution name")
      .argument("<name>", "the signal name")
      .argument("<value>", "the value, written as for an input of the signal's type"),
  ).action(async (execution: string, name: string, value: string, flags: { endpoint?: string; project?: string; domain?: string }) => {
    outcome.code = await remoteAction(io, { ...flags, endpoint: endpointFlag(program, flags) }, async (client, target) => {
      const executionId = create(WorkflowExecutionIdentifierSchema, { project: target.project, domain: target.domain, name: execution });
      const found = await findSignal(client, executionId, name);
      if (!found?.type) throw new UsageError(`signal "${name}" has no type recorded`);
      const literal = parseCliValue(value, found.type, name);
      await client.setSignal({ id: { executionId, signalId: name }, value: literal });
      io.out(`signal ${name} of ${execution} set to ${value} (${describeType(found.type)})\n`);
      return 0;
    });
  });
}
