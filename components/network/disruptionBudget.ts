import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { quorumSize, stackCountedMembers, stackValidatorIndexes } from "../../lib/model/consensus";
import { NetworkConfig } from "../../lib/model/network";
import { ALL_NODES_SELECTOR, COMMON_LABELS, memberName, NODES_BUDGET } from "../../lib/network/names";

/**
 * Keeps consensus alive through a drain: a Raft majority of the nodes, or of the IBFT/QBFT validators
 * the quorum that can still commit blocks, as GoQuorum computes it (quorumSize). The validators are picked by
 * their instance label, so a vote that changes the set changes this budget, not their pods.
 */
export function quorumBudget(
    name: string,
    config: NetworkConfig,
    namespace: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
): k8s.policy.v1.PodDisruptionBudget {
    const consensus = config.consensus;
    const bft = consensus.kind !== "raft";
    const members = stackCountedMembers(consensus, config.nodeCount);
    const minAvailable = quorumSize(consensus, members);
    return new k8s.policy.v1.PodDisruptionBudget(
        name,
        {
            metadata: { name: NODES_BUDGET, namespace, labels: COMMON_LABELS },
            spec: {
                minAvailable,
                selector: bft
                    ? {
                          matchLabels: ALL_NODES_SELECTOR,
                          matchExpressions: [validatorInstances(stackValidatorIndexes(consensus))],
                      }
                    : { matchLabels: ALL_NODES_SELECTOR },
            },
        },
        opts,
    );
}

/** node-1..node-V: the validators the stack counts. */
function validatorInstances(validators: number[]) {
    return { key: "app.kubernetes.io/instance", operator: "In", values: validators.map(memberName) };
}
