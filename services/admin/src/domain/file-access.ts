import { fromBinary } from "@bufbuild/protobuf";
import { LiteralSchema, type Literal } from "@skein/idl";
import type { BlobStore } from "@skein/blob";
import { notFound } from "@skein/server";
import type { ExecutionKey, ExecutionRepository } from "../repositories/execution-repository.js";
import type { NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import type { TaskExecutionRepository } from "../repositories/task-execution-repository.js";
import { logsFromRow } from "../repositories/transformers/task-execution-transformer.js";
import { loadLiteralMap } from "./execution-data.js";
import { FileSource, type OpenedFile } from "./file-source.js";
import { findFileValue } from "./file-value-lookup.js";

/** A file input or output of a node execution, named by reference, never by uri. */
export interface ValueFileRequest {
  readonly execution: ExecutionKey;
  readonly nodeId: string;
  readonly io: "inputs" | "outputs";
  /** The input or output variable. */
  readonly variable: string;
  /** Steps into a list (an index) or a map (a key), one per level; empty for the variable itself. */
  readonly path: readonly string[];
}

/** One log of one attempt of a node's task, by the log's name. */
export interface LogFileRequest {
  readonly execution: ExecutionKey;
  readonly nodeId: string;
  /** The retry attempt, from 0. */
  readonly attempt: number;
  readonly log: string;
}

/** A file that recorded data names, opened. */
export interface ServedFile {
  readonly uri: string;
  /** The blob's declared format; empty for logs and files of any format. */
  readonly format: string;
  readonly file: OpenedFile;
}

export interface FileAccessDeps {
  readonly executions: ExecutionRepository;
  readonly nodes: NodeExecutionRepository;
  readonly tasks: TaskExecutionRepository;
  readonly blobs: BlobStore;
  /** Directories whose local files admin may serve (`localFileRoots`). */
  readonly localFileRoots: readonly string[];
}

/**
 * Opens files that an execution's recorded data names, for the console's downloads: a node's file
 * inputs and outputs (the data GetNodeExecutionData returns) and its attempts' logs. Only uris
 * found in those records are read, and only through {@link FileSource}'s rules.
 */
export class FileAccess {
  readonly #source: FileSource;

  constructor(private readonly deps: FileAccessDeps) {
    this.#source = new FileSource(deps.blobs, deps.localFileRoots);
  }

  async valueFile(req: ValueFileRequest): Promise<ServedFile> {
    const node = await this.#node(req.execution, req.nodeId);
    const [inline, uri] = req.io === "inputs" ? [node.inputs, node.inputs_uri] : [node.outputs, node.outputs_uri];
    const where = `${req.io} of node ${req.nodeId}`;
    if (inline === null && uri === null) throw notFound(`${where} (none are recorded${req.io === "outputs" ? " yet" : ""}); variable "${req.variable}"`);
    const map = await loadLiteralMap(this.deps.blobs, inline, uri);
    const value = await findFileValue(map, req.variable, req.path, where, (offloaded) => this.#offloaded(offloaded));
    return { ...value, file: await this.#source.open(value.uri) };
  }

  async logFile(req: LogFileRequest): Promise<ServedFile> {
    await this.#node(req.execution, req.nodeId);
    const [attempt] = await this.deps.tasks.findMany([{ ...this.#nodeKey(req.execution, req.nodeId), retryAttempt: req.attempt }]);
    if (attempt === undefined) throw notFound(`attempt ${req.attempt} of node ${req.nodeId}`);
    const logs = logsFromRow(attempt);
    const log = logs.find((l) => l.name === req.log);
    if (log === undefined) {
      const names = logs.map((l) => JSON.stringify(l.name)).join(", ");
      throw notFound(`log "${req.log}" of attempt ${req.attempt} of node ${req.nodeId} (${names === "" ? "it has no logs" : `its logs: ${names}`})`);
    }
    return { uri: log.uri, format: "", file: await this.#source.open(log.uri) };
  }

  /** The node's row, after making sure the execution exists, so a message names what is missing. */
  async #node(execution: ExecutionKey, nodeId: string) {
    await this.deps.executions.get(execution);
    const [row] = await this.deps.nodes.findMany([this.#nodeKey(execution, nodeId)]);
    if (row === undefined) throw notFound(`node "${nodeId}" in execution "${execution.project}/${execution.domain}/${execution.name}"`);
    return row;
  }

  #nodeKey(execution: ExecutionKey, nodeId: string) {
    return { project: execution.project, domain: execution.domain, executionName: execution.name, nodeId };
  }

  async #offloaded(uri: string): Promise<Literal> {
    const opened = await this.#source.open(uri);
    if (opened.kind === "bytes") return fromBinary(LiteralSchema, opened.bytes);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    return fromBinary(LiteralSchema, Buffer.concat(chunks));
  }
}
