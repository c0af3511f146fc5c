#!/usr/bin/env node
// Committed launcher so npm can link the `skein` bin before the first build; the CLI itself is
// compiled to dist/ by `npm start`, `npm test` or `npm run build`.
import { existsSync } from "node:fs";

const entry = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("skein is not built yet: run `npm start` or `npm run build` in the repository first.\n");
  process.exit(1);
}
await import(entry.href);
