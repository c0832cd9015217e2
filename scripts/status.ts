// npm run status [-- --stack dev] [--watch] [--interval 5] [--json]
// One table of the deployed network, any runtime and platform: per node its height, how far it
// trails the highest, peers, role, pending transactions, the age of its newest block, restarts and
// a verdict. Each refresh costs the cluster one pod listing and one exec per node.
import { exitOnHelp, option } from "../lib/cli";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { readStackOutputs, StackOutputs, StackOutputsMissing } from "../lib/stackOutputs";
import { networkStatus, NetworkStatus } from "../lib/status/networkStatus";
import { renderTable, summaryLine } from "../lib/status/table";

/** Console calls at once: enough for 50 nodes in a few rounds, few enough for a laptop's kubectl. */
const PARALLEL = 25;
const CLEAR_SCREEN = "\x1b[H\x1b[2J";

function render(status: NetworkStatus, outputs: StackOutputs): string {
    // A terminal's own width; piped, $COLUMNS if set.
    const width = process.stdout.columns ?? (Number(process.env.COLUMNS) || 120);
    return [summaryLine(status, outputs.kubeContext), "", ...renderTable(status.nodes, width)].join("\n") + "\n";
}

async function snapshot(outputs: StackOutputs, kube: Kubectl): Promise<NetworkStatus> {
    return networkStatus(kube, { namespace: outputs.namespace, consensus: outputs.consensus, nodeCount: outputs.nodes.length, parallel: PARALLEL });
}

async function watch(outputs: StackOutputs, kube: Kubectl, intervalSeconds: number): Promise<never> {
    for (;;) {
        const started = Date.now();
        const text = render(await snapshot(outputs, kube), outputs);
        process.stdout.write(`${CLEAR_SCREEN}${text}\nrefreshed in ${((Date.now() - started) / 1000).toFixed(1)} s, every ${intervalSeconds} s; Ctrl-C to stop\n`);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalSeconds * 1000 - (Date.now() - started))));
    }
}

const USAGE =
    "usage: npm run status [-- --stack NAME] [--watch] [--interval SECONDS] [--json]\none table of the network: per node height, behind, peers, role, pending, block age, restarts, verdict\nexit 0 healthy, 1 a node is not, 2 the network could not be read";

async function main(): Promise<number> {
    const intervalSeconds = Number(option(process.argv, "interval") ?? "5");
    if (!Number.isFinite(intervalSeconds) || intervalSeconds < 1) {
        console.error("status: --interval must be a number of seconds, at least 1");
        return 2;
    }
    let outputs: StackOutputs;
    try {
        outputs = readStackOutputs("status", option(process.argv, "stack") ?? process.env.STACK);
    } catch (error) {
        if (!(error instanceof StackOutputsMissing)) throw error;
        console.error(error.message);
        return 2;
    }
    const kube = new Kubectl(outputs.kubeContext, outputs.namespace);
    try {
        // Redrawn in place on a terminal only: piped, it prints once.
        if (process.argv.includes("--watch") && process.stdout.isTTY && !process.argv.includes("--json")) await watch(outputs, kube, intervalSeconds);
        const status = await snapshot(outputs, kube);
        process.stdout.write(process.argv.includes("--json") ? `${JSON.stringify(status, null, 2)}\n` : render(status, outputs));
        return status.healthy ? 0 : 1;
    } catch (error) {
        console.error(`status: cannot read the network in namespace ${outputs.namespace} of kube context ${outputs.kubeContext}: ${(error as Error).message.split("\n")[0]}`);
        return 2;
    }
}

exitOnHelp(process.argv, USAGE);
main().then((code) => process.exit(code));
