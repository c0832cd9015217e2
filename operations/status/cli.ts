// npm run status [-- --stack dev] [--watch] [--interval 5] [--json]
// One table of the deployed network, any runtime and platform: per node its height, how far it
// trails the highest, peers, role, pending transactions, the age of its newest block, restarts and
// a verdict. Each refresh costs the cluster one pod listing and one exec per node.
import { Tool, ToolArgs } from "../../lib/cli";
import { Kube, Kubectl } from "../../lib/kubernetes/kubectl";
import { sleep } from "../../lib/poll";
import { StackOutputs } from "../../lib/model/outputs";
import { PARALLEL_READS } from "../../lib/kubernetes/observeNetwork";
import { readStatus } from "./observe";
import { judgeNetwork, NetworkStatus } from "./plan";
import { renderTable, summary } from "./table";

const CLEAR_SCREEN = "\x1b[H\x1b[2J";

/** The network read and judged now. */
export async function networkStatus(
    kube: Kube,
    outputs: Pick<StackOutputs, "namespace" | "consensus" | "nodes">,
    now = Date.now,
): Promise<NetworkStatus> {
    const request = { namespace: outputs.namespace, consensus: outputs.consensus, nodeCount: outputs.nodes.length };
    return judgeNetwork(
        await readStatus(kube, outputs.consensus, outputs.nodes.length, PARALLEL_READS),
        request,
        now(),
    );
}

function render(status: NetworkStatus, outputs: StackOutputs): string {
    // A terminal's own width; piped, $COLUMNS if set.
    const width = process.stdout.columns ?? (Number(process.env.COLUMNS) || 120);
    return [summary(status, outputs.kubeContext), "", ...renderTable(status.nodes, width)].join("\n") + "\n";
}

async function watch(outputs: StackOutputs, kube: Kube, intervalSeconds: number): Promise<never> {
    for (;;) {
        const started = Date.now();
        const text = render(await networkStatus(kube, outputs), outputs);
        const took = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(
            `${CLEAR_SCREEN}${text}\nrefreshed in ${took} s, every ${intervalSeconds} s; Ctrl-C to stop\n`,
        );
        await sleep(Math.max(0, intervalSeconds * 1000 - (Date.now() - started)));
    }
}

async function run(args: ToolArgs): Promise<number> {
    const intervalSeconds = args.count("interval", 5);
    const outputs = args.stack();
    const kube = new Kubectl(outputs.kubeContext, outputs.namespace);
    try {
        // Redrawn in place on a terminal only: piped, it prints once.
        if (args.flag("watch") && process.stdout.isTTY && !args.flag("json"))
            await watch(outputs, kube, intervalSeconds);
        const status = await networkStatus(kube, outputs);
        process.stdout.write(args.flag("json") ? `${JSON.stringify(status, null, 2)}\n` : render(status, outputs));
        // A chain no node answers for is judged (CHAIN UNREADABLE, 1); 2 is for a cluster kubectl cannot list.
        return status.healthy ? 0 : 1;
    } catch (error) {
        const where = `namespace ${outputs.namespace} of kube context ${outputs.kubeContext}`;
        console.error(`status: cannot read the network in ${where}: ${(error as Error).message.split("\n")[0]}`);
        return 2;
    }
}

const USAGE = [
    "usage: npm run status [-- --stack NAME] [--watch] [--interval SECONDS] [--json]",
    "one table of the network: per node height, behind, peers, role, pending, block age, restarts, verdict",
    "exit 0 healthy; 1 a node or the chain is not: a stalled chain, or one no node answers for",
    '  ("cannot read the chain: no node answers"), is named under the summary; 2 kubectl could not list the pods, or the arguments are wrong',
].join("\n");

export const statusTool: Tool = {
    name: "status",
    usage: USAGE,
    options: ["stack", "interval"],
    flags: ["watch", "json"],
    run,
};
