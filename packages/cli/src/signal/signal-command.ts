import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { WorkflowExecutionIdentifierSchema, type Literal, type LiteralType } from "@skein/idl";
import type { Command } from "commander";
import { describeType } from "@skein/engine";
import type { WorkflowExecutionIdentifier } from "@skein/idl";
import type { Signal } from "@skein/idl/admin/v1";
import { fromLiteral, LiteralConversionError, parseCliValue, type AdminClient } from "@skein/sdk";
import { UsageError } from "../run/args.js";
import { formatValue } from "../run/format.js";
import { remoteAction, type RemoteIo } from "../remote/action.js";
import { endpointFlag, targetOptions, type Outcome } from "../remote/command-options.js";

/**
 * The signal `name` of the execution. A name the execution does not wait for is NotFound (exit 1,
 * as for any other thing that does not exist), naming the signals it does wait for; an unknown
 * execution is NotFound from admin.
 */
async function findSignal(client: AdminClient, executionId: WorkflowExecutionIdentifier, name: string): Promise<Signal> {
  const known: string[] = [];
  let token = "";
  do {
    const page = await client.listSignals({ executionId, token, limit: 1000 });
    const found = page.signals.find((s) => s.id?.signalId === name);
    if (found) return found;
    known.push(...page.signals.map((s) => s.id?.signalId ?? ""));
    token = page.nextToken;
  } while (token !== "");
  await client.getExecution({ id: executionId });
  const waiting = known.length > 0 ? `signals: ${known.sort().join(", ")}` : "no gate has asked for one yet";
  throw new ConnectError(`signal: execution ${executionId.name} is not waiting for a signal named "${name}" (${waiting})`, Code.NotFound);
}

/** VALUE read by the signal's type; a value that does not fit is a usage error naming the value and the type. */
function parseSignalValue(value: string, type: LiteralType, name: string): Literal {
  try {
    return parseCliValue(value, type, name);
  } catch (error) {
    // The parser names the value by its flag (`--NAME: expected boolean, got "maybe"`).
    if (error instanceof LiteralConversionError) throw new UsageError(`signal ${error.message.replace(/^--/, "")}`);
    throw error;
  }
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
      if (!found.type) throw new ConnectError(`signal "${name}" has no type recorded`, Code.Internal);
      const literal = parseSignalValue(value, found.type, name);
      await client.setSignal({ id: { executionId, signalId: name }, value: literal });
      // The value as read, so that `yes` for a boolean shows as true.
      io.out(`signal ${name} of ${execution} set to ${formatValue(fromLiteral(literal, found.type))} (${describeType(found.type)})\n`);
      return 0;
    });
  });
}
