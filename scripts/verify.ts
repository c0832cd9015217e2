// npm run verify [-- --stack dev] [--timeout 120]
// Proves a deployed stack works: reads its outputs with the Pulumi CLI, then checks the network
// through kubectl (port-forward, exec). Exits non-zero at the first failed check.
import { exitOnHelp, option } from "../lib/cli";
import { readStackOutputs, StackOutputs } from "../lib/stackOutputs";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { verifyNetwork } from "../lib/verify/verify";

const USAGE =
    "usage: npm run verify [-- --stack NAME] [--timeout SECONDS]\nchecks the running network (pods, transaction managers, peers, consensus, a transaction, privacy, the racecourse), stopping at the first failure";

async function main(): Promise<number> {
    const stack = option(process.argv, "stack") ?? process.env.STACK;
    const timeoutSeconds = Number(option(process.argv, "timeout") ?? "120");
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
        console.error("verify: --timeout must be a number of seconds");
        return 2;
    }
    let outputs: StackOutputs;
    try {
        outputs = readStackOutputs("verify", stack);
    } catch (error) {
        console.error((error as Error).message);
        return 2;
    }
    const { consensus, runtime } = outputs;
    console.log(`verify: ${outputs.nodes.length} ${consensus.kind === "raft" ? "Raft" : consensus.kind.toUpperCase()} nodes in namespace ${outputs.namespace} (context ${outputs.kubeContext})`);
    const ok = await verifyNetwork(
        { namespace: outputs.namespace, nodeCount: outputs.nodes.length, runtime, consensus, racecourseUrl: outputs.racecourseUrl, ingressAddress: outputs.ingressAddress },
        new Kubectl(outputs.kubeContext, outputs.namespace),
        { checkTimeoutMs: timeoutSeconds * 1000, pollMs: 2000, log: (line) => console.log(line) },
    );
    console.log(ok ? "verify: the network works" : "verify: failed");
    return ok ? 0 : 1;
}

exitOnHelp(process.argv, USAGE);
main().then((code) => process.exit(code));
