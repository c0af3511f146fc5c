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
