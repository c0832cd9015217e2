// npm run validators -- add|remove <pod|rpc-url>... <address>   [--context C] [--namespace N]
// One validator change of a running IBFT/QBFT network, by vote: a pod (node-set-1-0) stands for
// every Ready node pod of the namespace, reached over geth's IPC socket through 'kubectl exec';
// RPC URLs (that serve the istanbul and admin APIs) are the voting nodes themselves. Prints the
// set every node agrees on; an address already in (or out of) the set changes nothing.
import { exitOnHelp, option } from "../lib/cli";
import { httpRpc } from "../lib/httpRequest";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { readyNodePods } from "../lib/kubernetes/votingNodes";
import { changeValidator, VotingNode } from "../lib/network/validatorVotes";

const USAGE = "usage: validators add|remove <pod|rpc-url>... <address>   [--context C] [--namespace N] [--timeout SECONDS]";
const RPC_TIMEOUT_MS = 60_000;

async function votingNodes(targets: string[], argv: string[]): Promise<VotingNode[]> {
    const urls = targets.filter((target) => /^https?:\/\//.test(target));
    if (urls.length === targets.length) return urls.map((url) => ({ name: url, rpc: httpRpc(url, RPC_TIMEOUT_MS) }));
    if (urls.length > 0) throw new Error("give either node pods or RPC URLs, not both");
    return readyNodePods(new Kubectl(option(argv, "context") ?? "minikube", option(argv, "namespace") ?? "quorum"));
}

async function main(argv: string[]): Promise<number> {
    const positional = argv.filter((arg, i) => !arg.startsWith("--") && !argv[i - 1]?.startsWith("--"));
    const [action, ...rest] = positional;
    const address = rest.pop();
    const timeoutSeconds = Number(option(argv, "timeout") ?? "300");
    if ((action !== "add" && action !== "remove") || rest.length === 0 || !address || !/^0x[0-9a-fA-F]{40}$/.test(address) || !(timeoutSeconds > 0)) {
        console.error(USAGE);
        return 2;
    }
    const nodes = await votingNodes(rest, argv);
    if (nodes.length === 0) throw new Error("no node pod is Ready");
    const log = (line: string) => console.error(`validators: ${line}`);
    const { changed, validators } = await changeValidator(nodes, { address: address.toLowerCase(), add: action === "add" }, { settleMs: timeoutSeconds * 1000, pollMs: 1000, log });
    if (!changed) log(`${address} is ${action === "add" ? "a validator already" : "no validator"}; nothing to do`);
    console.log(JSON.stringify(validators));
    return 0;
}

exitOnHelp(process.argv, USAGE);
main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(`validators: ${error.message}`);
        process.exit(1);
    },
);
