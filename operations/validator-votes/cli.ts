// npm run validators -- add|remove <pod|rpc-url>... <address>   [--stack NAME | --context C --namespace N]
// One validator change of a running IBFT/QBFT network, by vote: a pod (node-set-1-0) stands for
// every node pod of the stack's namespace, reached over geth's IPC socket through 'kubectl exec';
// RPC URLs (that serve the istanbul and admin APIs) are the nodes themselves. The validators in
// step vote, and only for a change after which the chain still seals (plan.ts), by the quorum rule
// the chain's config sets. Prints the set every node in step agrees on; an address already in (or
// out of) the set changes nothing.
// create and update are the Pulumi step's phases (step.ts): they take the chain's set to the
// stack's, one vote at a time, as its request (ValidatorStepRequest) says; the user's VOTE_TIMEOUT
// (seconds a vote may take) overrides the default.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { matching, RequestFields, StepFields, stepRequest, StepTarget } from "../../lib/stepEnvironment";
import { changeValidator } from "./act";
import { Observe, podObserver, urlObserver } from "./observe";
import { changesBetween } from "./plan";

const RPC_TIMEOUT_MS = 60_000;
const log = (line: string) => console.error(`validators: ${line}`);
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The step's request: the sets by their 0x addresses, and the block period that paces a vote. */
export interface ValidatorStepRequest extends StepTarget {
    /** The stack's: the chain's set once the step is done. */
    validators: string[];
    /** The genesis's: a network the step is made with starts with them. */
    genesisValidators: string[];
    blockPeriodSeconds: number;
}

export function validatorStepFields(fields: RequestFields): StepFields<ValidatorStepRequest> {
    const addresses = (name: string) =>
        fields
            .strings(name, matching(ADDRESS, "a 0x address of 40 hex digits"))
            .map((address) => address.toLowerCase());
    return {
        validators: addresses("validators"),
        genesisValidators: addresses("genesisValidators"),
        blockPeriodSeconds: fields.wholeNumber("blockPeriodSeconds", 1),
    };
}

/** The nodes the targets name, and the targets again for a by-hand vote a refusal may advise. */
function votingNodes(targets: string[], args: ToolArgs): { observe: Observe; voteVia?: string } {
    const urls = targets.filter((target) => /^https?:\/\//.test(target));
    if (urls.length === targets.length) return { observe: urlObserver(urls, RPC_TIMEOUT_MS), voteVia: urls.join(" ") };
    if (urls.length > 0) throw new UsageError("give either node pods or RPC URLs, not both");
    const { kubeContext, namespace } = args.kubeTarget();
    return { observe: podObserver(new Kubectl(kubeContext, namespace)) };
}

/** By hand: one change, on the nodes given. */
async function vote(args: ToolArgs, add: boolean, targets: string[], address: string | undefined): Promise<number> {
    if (targets.length === 0 || !address || !ADDRESS.test(address))
        throw new UsageError("give the nodes and a 0x address of 40 hex digits");
    const settleMs = args.count("timeout", 300) * 1000;
    const { observe, voteVia } = votingNodes(targets, args);
    const { changed, validators } = await changeValidator(
        observe,
        { address: address.toLowerCase(), add },
        { settleMs, pollMs: 1000, log, voteVia },
    );
    if (!changed) log(`${address} is ${add ? "a validator already" : "no validator"}; nothing to do`);
    console.log(JSON.stringify(validators));
    return 0;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((address) => b.includes(address));

/** Votes ride on the validators' own blocks, a few rounds of them; a round change costs its timer. */
function voteTimeoutMs(blockPeriodSeconds: number, validators: number): number {
    const override = Number(process.env.VOTE_TIMEOUT);
    if (override > 0) return override * 1000;
    return Math.max(120, (3 * validators + 20) * blockPeriodSeconds) * 1000;
}

/** The step's phases: the chain's set to the stack's. */
async function stepPhase(phase: "create" | "update", args: ToolArgs): Promise<number> {
    const {
        kubeContext,
        namespace,
        validators: desired,
        genesisValidators,
        blockPeriodSeconds,
    } = stepRequest(args, validatorStepFields);
    // A network the step is made with starts from its genesis: nothing to vote on unless the set differs.
    if (phase === "create" && sameSet(desired, genesisValidators)) {
        console.log(JSON.stringify(desired));
        return 0;
    }
    // Nodes 1..V are the stack's validators: their addresses name them even when they do not answer.
    const observe = podObserver(new Kubectl(kubeContext, namespace), { addresses: desired });
    const current = (await observe()).network.chainSet;
    if (!current) throw new Error("cannot read the chain's validator set: no node answers istanbul_getValidators");
    const changes = changesBetween(current, desired);
    if (changes.length === 0) log(`the chain's ${desired.length} validators are the stack's already`);
    let validators = desired;
    for (const change of changes) {
        ({ validators } = await changeValidator(observe, change, {
            settleMs: voteTimeoutMs(blockPeriodSeconds, validators.length),
            pollMs: 1000,
            log,
        }));
        log(`${change.add ? "added" : "removed"} ${change.address}: ${validators.length} validators on every node`);
    }
    console.log(JSON.stringify(validators));
    return 0;
}

async function run(args: ToolArgs): Promise<number> {
    const [action, ...rest] = args.positional();
    if (action === "create" || action === "update") return stepPhase(action, args);
    if (action !== "add" && action !== "remove")
        throw new UsageError(action === undefined ? "give add or remove" : `no action "${action}": add or remove`);
    const address = rest.pop();
    return vote(args, action === "add", rest, address);
}

const USAGE =
    "usage: npm run validators -- add|remove <pod|rpc-url>... <address>   [--stack NAME | --context C --namespace N] [--timeout SECONDS]";

export const validatorVotesTool: Tool = {
    name: "validators",
    usage: USAGE,
    options: ["stack", "context", "namespace", "timeout"],
    arguments: Infinity,
    run,
};
