/** A registered version's identity within its table: task, workflow and launch plan alike. */
export interface VersionKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

/** How a key reads in messages: `project/domain/name@version`. */
export function versionKeyText(key: VersionKey): string {
  return `${key.project}/${key.domain}/${key.name}@${key.version}`;
}

/** The key as its column values, for `where((eb) => eb.and(versionKeyColumns(key)))`. */
export function versionKeyColumns(key: VersionKey): { project: string; domain: string; name: string; version: string } {
  return { project: key.project, domain: key.domain, name: key.name, version: key.version };
}
