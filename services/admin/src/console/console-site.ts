import { staticSite, type HttpHandler, type Logger } from "@skein/server";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Where the console lives on admin's port. */
export const consoleBasePath = "/console";

/** The built console of the installed @skein/console package, or undefined when it is not installed. */
export function installedConsoleDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve("@skein/console/package.json");
    return path.join(path.dirname(manifest), "dist");
  } catch {
    return undefined;
  }
}

const notBuilt = `The Skein console is not built, so admin has nothing to serve here.
Build it with \`npm run build\` at the repository root (or \`npx turbo run build --filter=@skein/console\`),
or point SKEIN_CONSOLE_DIR at a built console, then reload this page.
`;

/**
 * Admin's answer to every request that is no RPC: the console's files under /console (with the
 * app's routes falling back to its index.html), a redirect there from `/`, and 404 elsewhere.
 * A missing build is reported once at start and on each console request, and admin keeps serving.
 */
export function consoleSite(dir: string | undefined, logger: Logger): HttpHandler {
  const root = dir ?? installedConsoleDir();
  if (root === undefined || !existsSync(path.join(root, "index.html"))) {
    logger.warn("the console is not built; /console answers 404 until it is", { consoleDir: root ?? "(no @skein/console installed)" });
  } else {
    logger.info("serving the console", { path: consoleBasePath, consoleDir: root });
  }
  const site = staticSite({ basePath: consoleBasePath, root, missingMessage: notBuilt, logger });
  return (request, response) => {
    const url = (request.url ?? "/").split("?", 1)[0];
    if (url === "/" && (request.method === "GET" || request.method === "HEAD")) {
      response.writeHead(302, { Location: `${consoleBasePath}/` });
      response.end();
      return;
    }
    site(request, response);
  };
}
