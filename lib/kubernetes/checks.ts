// platform kubernetes: read-only checks of the kube context, run on every preview and update.
import * as pulumi from "@pulumi/pulumi";
import { BftConsensus } from "../model/consensus";
import { NetworkConfig } from "../model/network";
import { runCheck } from "../localCheck";
import { ALL_NODES_SELECTOR, nodeIndexOf, selectorText } from "../network/names";
import { RaftStart, runningMembersFrom } from "../network/raftMembership";
import { desiredValidators, validatorChangeProblem } from "../network/validatorPlan";
import { QdataFolder } from "../model/qdata";
import { UserError } from "../userError";

/** Fails in one line unless the context exists and answers, the PVCs have a StorageClass, and a namespace to use exists. */
export async function clusterPreflight(config: NetworkConfig): Promise<void> {
    await runCheck("bash scripts/cluster-preflight.sh", {
        KUBE_CONTEXT: config.kubeContext,
        STORAGE_CLASS: config.storageClassName ?? "",
        NAMESPACE: config.namespace,
        CREATE_NAMESPACE: String(config.createNamespace),
    });
}

/** Raft: the members whose node StatefulSets exist now, by index, and how each was started. Any platform. */
export async function runningRaftMembers(config: NetworkConfig): Promise<Map<number, RaftStart>> {
    const { stdout } = await runCheck("bash scripts/raft-members.sh", { KUBE_CONTEXT: config.kubeContext, NAMESPACE: config.namespace, SELECTOR: selectorText(ALL_NODES_SELECTOR) });
    return runningMembersFrom(stdout);
}

interface SeenValidators {
    ready: string[];
    reply?: { result?: string[]; error?: { message: string } };
    failure?: string;
}

/**
 * IBFT/QBFT, any platform: refuses a change of validators the votes cannot make (more than one at
 * a time, too few validators Ready to vote). A new network has nothing to check; a chain that
 * cannot be read (images without the istanbul API) is left to the vote step, with a warning.
 */
export async function checkValidatorChange(config: NetworkConfig, consensus: BftConsensus, qdata: QdataFolder): Promise<void> {
    const { stdout } = await runCheck("bash scripts/bft-validators.sh", { KUBE_CONTEXT: config.kubeContext, NAMESPACE: config.namespace, SELECTOR: selectorText(ALL_NODES_SELECTOR) });
    const seen = JSON.parse(stdout) as SeenValidators;
    if (seen.ready.length === 0) return;
    const chain = seen.reply?.result;
    if (!chain) {
        await pulumi.log.warn(`validators: cannot read the running chain's validator set (${seen.failure ?? seen.reply?.error?.message}); the vote step checks when it runs`);
        return;
    }
    const readyAddresses = seen.ready.flatMap((pod) => {
        const member = qdata.nodes[(nodeIndexOf(pod) ?? 0) - 1];
        return member ? [`0x${member.nodeAddress}`] : [];
    });
    const problem = validatorChangeProblem({ validators: chain.map((address) => address.toLowerCase()), readyAddresses }, desiredValidators(consensus, qdata));
    if (problem) throw new UserError(problem);
}
