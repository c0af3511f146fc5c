import type { Command } from "commander";
import type { RemoteIo } from "../remote/action.js";
import { endpointFlag, endpointOption, type Outcome } from "../remote/command-options.js";
import { table } from "../remote/table.js";
import { CLUSTER_HEADER, clusterJson, clusterRow } from "./cluster-view.js";
import { createRouterClient, reportServiceError, resolveServiceEndpoint, type RouterClient } from "./service-client.js";

interface RouterFlags {
  readonly endpoint?: string;
  readonly routerEndpoint?: string;
}

function routerOptions(command: Command): Command {
  return endpointOption(command).option("--router-endpoint <url>", "cluster router address (env SKEIN_ROUTER_ENDPOINT, default: the admin endpoint)");
}

/** `skein cluster list | drain | undrain`: the data-plane clusters as the cluster router sees them. */
export function addClusterCommand(program: Command, io: RemoteIo, outcome: Outcome): void {
  const cluster = program.command("cluster").description("list the data-plane clusters; drain one for maintenance and undrain it");

  // Resolves the router's address, runs `body` and turns any error into a message and exit code.
  const withRouter = async (flags: RouterFlags, body: (client: RouterClient) => Promise<number>): Promise<number> => {
    let endpoint: string | undefined;
    try {
      endpoint = resolveServiceEndpoint("cluster-router", { serviceEndpoint: flags.routerEndpoint, adminEndpoint: endpointFlag(program, flags) }, io.env);
      return await body(createRouterClient(endpoint));
    } catch (error) {
      return reportServiceError(error, io.err, "cluster-router", endpoint);
    }
  };

  routerOptions(cluster.command("list").description("show every cluster with its region, labels, health, load and drain state"))
    .option("--region <region>", "only clusters in this region")
    .option("--label <selector>", "only clusters with this label (key or key=value)")
    .option("--json", "print JSON instead of a table")
    .action(async (flags: RouterFlags & { region?: string; label?: string; json?: boolean }) => {
      outcome.code = await withRouter(flags, async (client) => {
        const { clusters } = await client.listClusters({ region: flags.region ?? "", clusterLabel: flags.label ?? "" });
        if (flags.json) io.out(`${JSON.stringify({ clusters: clusters.map(clusterJson) }, null, 2)}\n`);
        else io.out(clusters.length === 0 ? "no clusters registered\n" : table(CLUSTER_HEADER, clusters.map(clusterRow)));
        return 0;
      });
    });

  routerOptions(
    cluster
      .command("drain")
      .description("stop sending new work to a cluster; what runs there finishes there unless --migrate")
      .argument("<id>", "the cluster id"),
  )
    .option("--migrate", "move the executions running there to other clusters now (they resume from their finished nodes)")
    .action(async (id: string, flags: RouterFlags & { migrate?: boolean }) => {
      outcome.code = await withRouter(flags, async (client) => {
        const { cluster: drained } = await client.drainCluster({ clusterId: id, migrateAssignments: flags.migrate ?? false });
        const active = drained?.assignedExecutions ?? 0;
        const rest = flags.migrate
          ? `its executions were moved to other clusters${active > 0 ? ` (${active} still assigned)` : ""}`
          : `${active} assigned execution${active === 1 ? "" : "s"} finish${active === 1 ? "es" : ""} there`;
        io.out(`cluster ${id} drained: no new work goes there; ${rest}\n`);
        return 0;
      });
    });

  routerOptions(cluster.command("undrain").description("let a drained cluster receive new work again").argument("<id>", "the cluster id"))
    .action(async (id: string, flags: RouterFlags) => {
      outcome.code = await withRouter(flags, async (client) => {
        await client.undrainCluster({ clusterId: id });
        io.out(`cluster ${id} undrained: it receives new work again\n`);
        return 0;
      });
    });
}
