// Module resolution hooks for task processes. A code bundle holds ES modules whose package
// imports (`@skein/sdk`, and any npm dependency) were left as imports; the bundle is extracted
// into a cache directory with no node_modules of its own. A bare specifier that does not resolve
// from the bundle is resolved again from this package, so the task sees the worker's packages,
// as a container sees its image's, and one copy of the SDK serves both the entrypoint and the task.
const host = import.meta.url;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !specifier.startsWith(".") && !specifier.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(specifier);
    if (!bare || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    return nextResolve(specifier, { ...context, parentURL: host });
  }
}
