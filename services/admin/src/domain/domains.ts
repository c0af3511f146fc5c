import { create } from "@bufbuild/protobuf";
import { DomainSchema, type Domain } from "@skein/idl/admin/v1";

/** The server-wide domains from configuration, in configuration order, with display names. */
export function configuredDomains(ids: readonly string[]): Domain[] {
  return ids.map((id) => create(DomainSchema, { id, name: id.charAt(0).toUpperCase() + id.slice(1) }));
}
