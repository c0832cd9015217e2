// npm run rollout [-- --stack NAME] [--timeout SECONDS]
// Restarts every member of the running network one at a time (after a node's OS patch, say):
// the bootnode, the non-validators, then the validators (under Raft the leader last), each
// waited for until it is Ready, in step with the chain and peered again before the next; refused
// when taking one down would break the quorum rule, unless --allow-downtime.
// create and update are the Pulumi step's phases (step.ts): they replace only the members whose
// pods run an older spec than their StatefulSet's, as its request (RolloutStepRequest) says.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { declaredDefault } from "../../lib/config/declared";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { CONSENSUS_KINDS, ConsensusKind, QuorumRule } from "../../lib/model/consensus";
import { RequestFields, StepFields, stepRequest, StepTarget } from "../../lib/stepEnvironment";
import { rollout } from "./act";
import { labelledValidators } from "./observe";

const log = (line: string) => console.error(`rollout: ${line}`);
const POLL_MS = 2000;

/** The step's request: no validators, which a vote changes without a rollout. */
export interface RolloutStepRequest extends StepTarget {
    consensusKind: ConsensusKind;
    nodeCount: number;
    /** How long one member may take to be back. */
    memberTimeoutMs: number;
}

export function rolloutStepFields(fields: RequestFields): StepFields<RolloutStepRequest> {
    return {
        consensusKind: fields.oneOf("consensusKind", CONSENSUS_KINDS),
        nodeCount: fields.wholeNumber("nodeCount", 1),
        memberTimeoutMs: fields.wholeNumber("memberTimeoutMs", 1),
    };
}

async function stepPhase(args: ToolArgs): Promise<number> {
    const {
        kubeContext,
        namespace,
        consensusKind: kind,
        nodeCount,
        memberTimeoutMs,
    } = stepRequest(args, rolloutStepFields);
    const kube = new Kubectl(kubeContext, namespace);
    // The validators are read from their Services' label: a vote that changes them restarts nothing and reruns no rollout.
    // Their commit formula is the stricter ceil(2N/3) until the chain's own config says otherwise (observeNetwork reads it).
    const consensus: QuorumRule =
        kind === "raft" ? { kind } : { kind, validators: await labelledValidators(kube), ceil2Nby3Block: 0 };
    await rollout(kube, { consensus, nodeCount, memberTimeoutMs, everyMember: false, pollMs: POLL_MS }, log);
    return 0;
}

async function run(args: ToolArgs): Promise<number> {
    const [phase] = args.positional();
    if (phase === "create" || phase === "update") return stepPhase(args);
    if (phase !== undefined) throw new UsageError(`unexpected argument ${phase}`);
    const memberTimeoutMs = args.count("timeout", Number(declaredDefault("rolloutTimeout"))) * 1000;
    const outputs = args.stack();
    const request = {
        consensus: outputs.consensus,
        nodeCount: outputs.nodes.length,
        memberTimeoutMs,
        everyMember: true,
        allowDowntime: args.flag("allow-downtime"),
        pollMs: POLL_MS,
    };
    await rollout(new Kubectl(outputs.kubeContext, outputs.namespace), request, log);
    log("every member restarted and back");
    return 0;
}

const USAGE = `usage: npm run rollout [-- --stack NAME] [--timeout SECONDS (default ${declaredDefault("rolloutTimeout")}, Pulumi.yaml's rolloutTimeout, per member)] [--allow-downtime]\nrestarts every member of the network one at a time, each back in step before the next;\n--allow-downtime restarts them even when the rest cannot keep the quorum (1-3 validators, 1-2 Raft members): the chain stops meanwhile`;

export const rolloutTool: Tool = {
    name: "rollout",
    usage: USAGE,
    options: ["stack", "timeout"],
    flags: ["allow-downtime"],
    arguments: 1,
    run,
};
