// npm run dashboard -- --out FILE [--stack dev] [--force]
// Writes the deployed network's Grafana dashboard (the JSON the grafanaDashboard ConfigMap holds)
// to a file, for a Grafana outside the cluster: Dashboards → New → Import.
import * as fs from "fs";
import { exitOnHelp, option } from "../lib/cli";
import { quorumDashboard } from "../lib/monitoring/dashboard";
import { readStackOutputs, StackOutputsMissing } from "../lib/stackOutputs";

const USAGE =
    "usage: npm run dashboard -- --out FILE [--stack NAME] [--force]\nwrites the network's Grafana dashboard JSON to FILE (--force replaces an existing file)";

function main(): number {
    const out = option(process.argv, "out");
    if (!out) {
        console.error("dashboard: --out FILE is required: where to write the dashboard's JSON");
        return 2;
    }
    if (fs.existsSync(out) && !process.argv.includes("--force")) {
        console.error(`dashboard: ${out} exists; pass --force to replace it`);
        return 2;
    }
    try {
        const outputs = readStackOutputs("dashboard", option(process.argv, "stack") ?? process.env.STACK);
        if (outputs.runtime !== "goquorum") {
            console.error("dashboard: this stack runs the seed's images, whose geth exports no metrics; npm run status shows its nodes");
            return 2;
        }
        const dashboard = quorumDashboard({ network: outputs.namespace, bft: outputs.consensus.kind !== "raft" });
        fs.writeFileSync(out, `${JSON.stringify(dashboard, null, 2)}\n`);
        console.log(`dashboard: wrote ${out} (${dashboard.panels?.length} panels, uid ${dashboard.uid}); import it in Grafana and pick your Prometheus`);
        return 0;
    } catch (error) {
        if (!(error instanceof StackOutputsMissing)) throw error;
        console.error(error.message);
        return 2;
    }
}

exitOnHelp(process.argv, USAGE);
process.exit(main());
