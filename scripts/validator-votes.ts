// The validator step of an IBFT/QBFT network, run by the program's Command resource: takes the
// chain's validator set to the stack's (VALIDATORS), one vote at a time on every Ready node pod
// through geth's IPC socket ('kubectl exec … geth attach'). Prints the set it leaves on stdout.
//
// Usage: validator-votes.ts create|update
// Environment: KUBE_CONTEXT, NAMESPACE, VALIDATORS and GENESIS_VALIDATORS (JSON arrays of 0x
// addresses), BLOCK_PERIOD (seconds); VOTE_TIMEOUT (seconds a vote may take) overrides the default.
import { exitOnHelp } from "../lib/cli";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { readyNodePods } from "../lib/kubernetes/votingNodes";
import { changesBetween, changeValidator, validatorSet } from "../lib/network/validatorVotes";

function env(name: string): string {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
}

const addresses = (name: string) => (JSON.parse(env(name)) as string[]).map((address) => address.toLowerCase());
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((address) => b.includes(address));
const log = (line: string) => console.error(`validators: ${line}`);

/** Votes ride on the validators' own blocks, a few rounds of them; a round change costs its timer. */
function voteTimeoutMs(validators: number): number {
    const override = Number(process.env.VOTE_TIMEOUT);
    if (override > 0) return override * 1000;
    return Math.max(120, (3 * validators + 20) * Number(env("BLOCK_PERIOD"))) * 1000;
}

const USAGE =
    "usage: validator-votes.ts PHASE   (run by pulumi up as a Command; its environment names the validators, see the file's head)";

async function main(phase: string | undefined): Promise<void> {
    if (phase !== "create" && phase !== "update") throw new Error("usage: validator-votes.ts create|update");
    const desired = addresses("VALIDATORS");
    // A network the step is made with starts from its genesis: nothing to vote on unless the set differs.
    if (phase === "create" && sameSet(desired, addresses("GENESIS_VALIDATORS"))) {
        console.log(JSON.stringify(desired));
        return;
    }
    const nodes = await readyNodePods(new Kubectl(env("KUBE_CONTEXT"), env("NAMESPACE")));
    if (nodes.length === 0) throw new Error("no node pod is Ready to vote");
    const changes = changesBetween(await validatorSet(nodes[0]), desired);
    if (changes.length === 0) log(`the chain's ${desired.length} validators are the stack's already`);
    let validators = desired;
    for (const change of changes) {
        ({ validators } = await changeValidator(nodes, change, { settleMs: voteTimeoutMs(validators.length), pollMs: 1000, log }));
        log(`${change.add ? "added" : "removed"} ${change.address}: ${validators.length} validators on every node`);
    }
    console.log(JSON.stringify(validators));
}

exitOnHelp(process.argv, USAGE);
main(process.argv[2]).catch((error: Error) => {
    console.error(`validators: ${error.message}`);
    process.exit(1);
});
