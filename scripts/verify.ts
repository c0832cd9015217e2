// npm run verify [-- --stack dev] [--timeout 120]
// Proves a deployed stack works: reads its outputs with the Pulumi CLI, then checks the network
// through kubectl (port-forward, exec). Exits non-zero at the first failed check.
import { execFileSync } from "child_process";
import { NetworkOutputs } from "../components/network/network";
import { option } from "../lib/cliOption";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { verifyNetwork } from "../lib/verify/verify";

type StackOutputs = Pick<NetworkOutputs, "kubeContext" | "runtime" | "consensus" | "nodes"> & { namespace: string; racecourseUrl: string; ingressAddress: string };

async function main(): Promise<number> {
    const stack = option(process.argv, "stack") ?? process.env.STACK;
    const timeoutSeconds = Number(option(process.argv, "timeout") ?? "120");
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
        console.error("verify: --timeout must be a number of seconds");
        return 2;
    }
    let outputs: StackOutputs;
    try {
        const text = execFileSync("pulumi", ["stack", "output", "--json", ...(stack ? ["--stack", stack] : [])], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
        outputs = JSON.parse(text) as StackOutputs;
    } catch {
        console.error("verify: could not read the stack outputs; run 'pulumi up' first (or pass --stack <name>)");
        return 2;
    }
    if (!outputs.namespace || !Array.isArray(outputs.nodes) || !outputs.runtime || !outputs.consensus) {
        console.error("verify: the stack's outputs do not describe a network (namespace, runtime, consensus, nodes); run 'pulumi up' first");
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

main().then((code) => process.exit(code));
