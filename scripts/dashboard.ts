// npm run dashboard -- --out FILE [--stack dev] [--force]
// Writes the deployed network's Grafana dashboard (the JSON the grafanaDashboard ConfigMap holds)
// to a file, for a Grafana outside the cluster: Dashboards → New → Import.
import * as fs from "fs";
import { runTool, ToolArgs, UsageError } from "../lib/cli";
import { quorumDashboard } from "../lib/monitoring/dashboard";
import { runtimeNamed } from "../lib/runtime/runtimes";

const USAGE =
    "usage: npm run dashboard -- --out FILE [--stack NAME] [--force]\nwrites the network's Grafana dashboard JSON to FILE (--force replaces an existing file)";

async function run(args: ToolArgs): Promise<number> {
    const out = args.option("out");
    if (!out) throw new UsageError("--out FILE is required: where to write the dashboard's JSON");
    if (fs.existsSync(out) && !args.flag("force")) throw new UsageError(`${out} exists; pass --force to replace it`);
    const outputs = args.stack();
    const runtime = runtimeNamed(outputs.runtime);
    if (!runtime.metrics) {
        console.error(
            `dashboard: this stack runs ${runtime.describedAs}, whose geth exports no metrics; npm run status shows its nodes`,
        );
        return 2;
    }
    const dashboard = quorumDashboard({ network: outputs.namespace, bft: outputs.consensus.kind !== "raft" });
    fs.writeFileSync(out, `${JSON.stringify(dashboard, null, 2)}\n`);
    console.log(
        `dashboard: wrote ${out} (${dashboard.panels?.length} panels, uid ${dashboard.uid}); import it in Grafana and pick your Prometheus`,
    );
    return 0;
}

runTool({ name: "dashboard", usage: USAGE, options: ["out", "stack"], flags: ["force"], run });
