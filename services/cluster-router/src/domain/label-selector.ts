// Cluster label selectors, as SelectionSpec.cluster_label and ListClustersRequest.cluster_label
// define them: `key` matches clusters that carry the label with any value, `key=value` those where
// it has exactly that value. Keys and values follow the Kubernetes label syntax.

const keyPart = "([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
const valuePart = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";

/** A whole selector: `key` or `key=value` (the value may be empty: `key=`). */
export const labelSelectorPattern = new RegExp(`^${keyPart}(=${valuePart})?$`);

/** A parsed selector; `value` undefined means "has the key, any value". */
export interface LabelSelector {
  readonly key: string;
  readonly value: string | undefined;
}

/** Parses a selector the protos already validated (or the config schema did). */
export function parseLabelSelector(text: string): LabelSelector {
  const at = text.indexOf("=");
  return at < 0 ? { key: text, value: undefined } : { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** Whether a cluster with these labels matches the selector. */
export function matchesLabel(labels: Readonly<Record<string, string>>, selector: LabelSelector): boolean {
  if (!Object.hasOwn(labels, selector.key)) return false;
  return selector.value === undefined || labels[selector.key] === selector.value;
}
