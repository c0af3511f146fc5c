import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import type { Artifact, EvictedArtifact } from "@skein/idl/datacatalog/v1";
import { createCatalogClient, reportServiceError, resolveServiceEndpoint, type CatalogClient } from "../cluster/service-client.js";
import type { RemoteIo } from "../remote/action.js";
import { endpointFlag, targetOptions, type Outcome } from "../remote/command-options.js";
import { table } from "../remote/table.js";
import { resolveTarget, type RemoteTarget } from "../remote/target.js";
import { UsageError } from "../run/args.js";
import { parseAge } from "./age.js";
import { artifactJson, CACHE_HEADER, cacheRow, evictedJson, formatSize, TASK_DATASET_PREFIX } from "./cache-view.js";

// A task name as the contracts spell entity names.
const TASK_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,249}$/;
// Most entries one request lists or evicts (the service's maximum).
const BATCH = 1000;

interface CatalogFlags {
  readonly endpoint?: string;
  readonly catalogEndpoint?: string;
  readonly project?: string;
  readonly domain?: string;
}

interface SelectorFlags {
  readonly task?: string;
  readonly olderThan?: string;
}

/** The selection both commands send: project and domain, plus one task's dataset and an age. */
interface Selection {
  readonly project: string;
  readonly domain: string;
  readonly datasetName: string;
  readonly createdBefore?: Timestamp;
}

function selection(target: RemoteTarget, flags: SelectorFlags): Selection {
  if (flags.task !== undefined && !TASK_NAME.test(flags.task)) throw new UsageError(`--task: "${flags.task}" is not a task name (letters, digits, '_', '.', '-'; starting with a letter or '_')`);
  const ageMs = flags.olderThan === undefined ? undefined : parseAge("--older-than", flags.olderThan);
  return {
    project: target.project,
    domain: target.domain,
    datasetName: flags.task === undefined ? "" : `${TASK_DATASET_PREFIX}${flags.task}`,
    ...(ageMs !== undefined && { createdBefore: timestampFromMs(Date.now() - ageMs) }),
  };
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 100;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit: "${text}" must be a whole number above zero`);
  return limit;
}

function catalogOptions(command: Command): Command {
  return targetOptions(command)
    .option("--catalog-endpoint <url>", "datacatalog address (env SKEIN_CATALOG_ENDPOINT, default: the admin endpoint)")
    .option("--task <name>", "only the entries of this task (every cache version)")
    .option("--older-than <duration>", "only entries created longer ago than this, e.g. 30m, 12h, 7d")
    .option("--json", "print JSON instead of a table");
}

/** Up to `limit` entries of a selection, newest first, and whether more match. */
async function findEntries(client: CatalogClient, chosen: Selection, limit: number): Promise<{ entries: Artifact[]; more: boolean }> {
  const entries: Artifact[] = [];
  let token = "";
  do {
    const page = await client.findArtifacts({ ...chosen, limit: Math.min(BATCH, limit - entries.length), token });
    entries.push(...page.artifacts);
    token = page.nextToken;
  } while (token !== "" && entries.length < limit);
  return { entries, more: token !== "" };
}

/** Evicts every entry of a selection, a batch at a time, oldest first. */
async function evictAll(client: CatalogClient, chosen: Selection): Promise<EvictedArtifact[]> {
  const evicted: EvictedArtifact[] = [];
  for (;;) {
    const round = await client.evictArtifacts({ ...chosen, limit: BATCH });
    evicted.push(...round.evicted);
    // An empty round with more left means another eviction holds those rows; it removes them.
    if (!round.hasMore || round.evicted.length === 0) return evicted;
  }
}

function scope(chosen: Selection): string {
  return `${chosen.project}/${chosen.domain}`;
}

/** `skein cache list | evict`: the task output cache, by task and by age, with each entry's producer. */
export function addCacheCommand(program: Command, io: RemoteIo, outcome: Outcome): void {
  const cache = program.command("cache").description("show and remove task cache entries, by task and by age");

  // Resolves the target and datacatalog's address, runs `body`, and turns errors into a message and exit code.
  const withCatalog = async (flags: CatalogFlags & SelectorFlags, body: (client: CatalogClient, chosen: Selection) => Promise<number>): Promise<number> => {
    let endpoint: string | undefined;
    try {
      const adminEndpoint = endpointFlag(program, flags);
      const chosen = selection(resolveTarget({ ...flags, endpoint: adminEndpoint }, io.env), flags);
      endpoint = resolveServiceEndpoint("datacatalog", { serviceEndpoint: flags.catalogEndpoint, adminEndpoint }, io.env);
      return await body(createCatalogClient(endpoint), chosen);
    } catch (error) {
      return reportServiceError(error, io.err, "datacatalog", endpoint);
    }
  };

  catalogOptions(cache.command("list").description("list cache entries, newest first, with the execution, node and attempt that produced each"))
    .option("--limit <n>", "show at most this many entries (default 100)")
    .action(async (flags: CatalogFlags & SelectorFlags & { limit?: string; json?: boolean }) => {
      outcome.code = await withCatalog(flags, async (client, chosen) => {
        const limit = parseLimit(flags.limit);
        const { entries, more } = await findEntries(client, chosen, limit);
        if (flags.json) io.out(`${JSON.stringify({ items: entries.map(artifactJson), has_more: more }, null, 2)}\n`);
        else {
          io.out(entries.length === 0 ? `no cache entries in ${scope(chosen)}\n` : table(CACHE_HEADER, entries.map(cacheRow)));
          if (more) io.err(`more entries match: raise --limit to see them\n`);
        }
        return 0;
      });
    });

  catalogOptions(cache.command("evict").description("remove cache entries by task and/or age (or every entry with --all); their tasks run again next time"))
    .option("--all", "remove every entry of the project and domain")
    .option("--dry-run", "show what would be removed without removing anything")
    .action(async (flags: CatalogFlags & SelectorFlags & { all?: boolean; dryRun?: boolean; json?: boolean }) => {
      outcome.code = await withCatalog(flags, async (client, chosen) => {
        const selected = flags.task !== undefined || flags.olderThan !== undefined;
        if (!selected && !flags.all) throw new UsageError("cache evict: choose what to remove with --task and/or --older-than, or pass --all to remove every entry");
        if (selected && flags.all) throw new UsageError("cache evict: --all cannot be combined with --task or --older-than");
        const removed: (Artifact | EvictedArtifact)[] = flags.dryRun ? (await findEntries(client, chosen, Number.MAX_SAFE_INTEGER)).entries : await evictAll(client, chosen);
        if (flags.json) {
          const items = removed.map((entry) => (entry.$typeName === "skein.datacatalog.v1.Artifact" ? artifactJson(entry) : evictedJson(entry)));
          io.out(`${JSON.stringify({ dry_run: flags.dryRun ?? false, items }, null, 2)}\n`);
          return 0;
        }
        if (removed.length === 0) {
          io.out(`no cache entries in ${scope(chosen)} match\n`);
          return 0;
        }
        const bytes = removed.reduce((sum, entry) => sum + entry.sizeBytes, 0n);
        const count = `${removed.length} cache entr${removed.length === 1 ? "y" : "ies"} (${formatSize(bytes)})`;
        io.out(table(CACHE_HEADER, removed.map(cacheRow)));
        io.out(flags.dryRun ? `would remove ${count}; run again without --dry-run to remove them\n` : `removed ${count}\n`);
        return 0;
      });
    });
}
