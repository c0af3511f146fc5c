import { UsageError } from "../run/args.js";

/** Paging flags of every `skein get` list. */
export interface PageFlags {
  readonly limit?: string;
  readonly all?: boolean;
  readonly token?: string;
}

/** One page as the list RPCs return it. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken: string;
}

/** The page size `--limit` asks for (1 to 1000; default 100). */
export function pageSize(flags: PageFlags): number {
  if (flags.limit === undefined) return 100;
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit: "${flags.limit}" must be a whole number from 1 to 1000`);
  return limit;
}

/**
 * Fetches one page (from `--token` when given), or with `--all` every page after it. The next
 * token is empty once the last page was read.
 */
export async function fetchPages<T>(flags: PageFlags, fetch: (token: string, limit: number) => Promise<Page<T>>): Promise<Page<T>> {
  const limit = pageSize(flags);
  const items: T[] = [];
  let token = flags.token ?? "";
  do {
    const page = await fetch(token, limit);
    items.push(...page.items);
    token = page.nextToken;
  } while (flags.all && token !== "");
  return { items, nextToken: token };
}
