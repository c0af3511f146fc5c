import { runCli } from "../program.js";

/** `skein sandbox --port 0` running in this process. */
export interface RunningSandbox {
  readonly url: string;
  /** Everything printed so far. */
  out(): string;
  /** Presses Ctrl-C and returns the exit code. */
  stop(): Promise<number>;
}

/**
 * Starts `skein sandbox --port 0 --data-dir dataDir` in this process (admin, datacatalog, router and
 * two clusters) and resolves once it says it is ready, with the address it serves on; throws with
 * its output when it exits first or is not ready within 150 s.
 */
export async function runSandbox(dataDir: string, env: Record<string, string>): Promise<RunningSandbox> {
  const abort = new AbortController();
  let out = "";
  let err = "";
  const exited = runCli(["sandbox", "--port", "0", "--data-dir", dataDir], { out: (t) => (out += t), err: (t) => (err += t), env, abort: abort.signal });
  let ended: number | undefined;
  void exited.then((code) => (ended = code));
  const deadline = Date.now() + 150_000;
  while (!out.includes("Press Ctrl-C")) {
    if (ended !== undefined) throw new Error(`the sandbox exited with ${ended} before it was ready\n--- stdout\n${out}\n--- stderr\n${err}`);
    if (Date.now() > deadline) throw new Error(`the sandbox was not ready in time\n--- stdout\n${out}\n--- stderr\n${err}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /serving Connect, gRPC and gRPC-Web on (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
  if (url === undefined) throw new Error(`no URL in the sandbox's output:\n${out}`);
  return {
    url,
    out: () => out,
    stop: () => {
      abort.abort();
      return exited;
    },
  };
}
