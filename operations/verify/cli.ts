// npm run verify [-- --stack dev] [--timeout 120]
// Proves a deployed stack works: reads its outputs with the Pulumi CLI, then checks the network
// through kubectl (port-forward, exec). Exits non-zero at the first failed check.
import { Tool, ToolArgs } from "../../lib/cli";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { verifyNetwork } from "./act";

/** How long each check may take to pass, unless --timeout says otherwise. */
const CHECK_TIMEOUT_SECONDS = 120;

async function run(args: ToolArgs): Promise<number> {
    const timeoutSeconds = args.count("timeout", CHECK_TIMEOUT_SECONDS);
    const outputs = args.stack();
    const { consensus, runtime } = outputs;
    console.log(
        `verify: ${outputs.nodes.length} ${consensus.kind === "raft" ? "Raft" : consensus.kind.toUpperCase()} nodes in namespace ${outputs.namespace} (context ${outputs.kubeContext})`,
    );
    const ok = await verifyNetwork(
        {
            namespace: outputs.namespace,
            nodeCount: outputs.nodes.length,
            runtime,
            consensus,
            racecourseUrl: outputs.racecourseUrl,
            ingressAddress: outputs.ingressAddress,
        },
        new Kubectl(outputs.kubeContext, outputs.namespace),
        { checkTimeoutMs: timeoutSeconds * 1000, pollMs: 2000, log: (line) => console.log(line) },
    );
    console.log(ok ? "verify: the network works" : "verify: failed");
    return ok ? 0 : 1;
}

const USAGE = `usage: npm run verify [-- --stack NAME] [--timeout SECONDS (default ${CHECK_TIMEOUT_SECONDS}, per check)]\nchecks the running network (pods, transaction managers, peers, consensus, a transaction, privacy, the racecourse), stopping at the first failure`;

export const verifyTool: Tool = { name: "verify", usage: USAGE, options: ["stack", "timeout"], run };
