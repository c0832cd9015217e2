// Whether the minikube node can hold the stack: its pods' summed requests against the node's
// allocatable CPU and memory, refused with both numbers before any pod is created; and whether a
// NetworkPolicy engine runs where the stack declares policies.
import { describeCpu, describeMemory, minikubeSize, Requests } from "./sizing";
import { cpuMillis, memoryBytes } from "../model/quantities";
import { UserError } from "../userError";

/** A Kubernetes CPU quantity as the node reports it ("4", "3900m", "1.5"), in millicores: the config's own grammar. */
export function parseCpu(quantity: string): number {
    return cpuMillis(quantity.trim());
}

/** A Kubernetes memory quantity as the node reports it ("8030196Ki", "8Gi", "8222920704"), in bytes. */
export function parseMemory(quantity: string): number {
    return memoryBytes(quantity.trim());
}

export interface NodeCapacity {
    allocatable: Requests;
    /** The NetworkPolicy engine's DaemonSet, undefined when none runs. */
    policyEngine?: string;
}

/** node-capacity.sh's output: "<cpu> <memory>" per node, then "policy-engine: <name|none>". */
export function parseNodeCapacity(output: string): NodeCapacity {
    const lines = output
        .trim()
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
    const engine = lines.find((line) => line.startsWith("policy-engine: "))?.slice("policy-engine: ".length);
    const nodes = lines.filter((line) => !line.startsWith("policy-engine: ")).map((line) => line.split(/\s+/));
    return {
        allocatable: {
            cpuMillis: nodes.reduce((sum, [cpu]) => sum + parseCpu(cpu), 0),
            memoryBytes: nodes.reduce((sum, [, memory]) => sum + parseMemory(memory), 0),
        },
        policyEngine: engine === undefined || engine === "none" ? undefined : engine,
    };
}

/** Refuses a stack the node cannot hold, naming both sizes and the minikube start that would. */
export function checkCapacity(requests: Requests, allocatable: Requests, profile: string): void {
    if (requests.cpuMillis <= allocatable.cpuMillis && requests.memoryBytes <= allocatable.memoryBytes) return;
    const size = minikubeSize(requests);
    throw new UserError(
        `preflight: the stack's pods request ${describeCpu(requests.cpuMillis)} and ${describeMemory(requests.memoryBytes)}, but minikube profile ${profile} has ${describeCpu(allocatable.cpuMillis)} and ${describeMemory(allocatable.memoryBytes)} allocatable, so pods would stay Pending. ` +
            `Lower nodeCount or the *Cpu/*Memory requests, or make the profile larger: minikube cannot resize a profile, so 'minikube delete -p ${profile}' (it deletes every network on it) then 'minikube start -p ${profile} --cpus ${size.cpus} --memory ${size.memoryMib} --cni calico'`,
    );
}

/** The warning when policies are declared that nothing enforces; undefined when something does. */
export function policyEngineWarning(capacity: NodeCapacity, profile: string): string | undefined {
    if (capacity.policyEngine) return undefined;
    return `networkPolicy is true but no NetworkPolicy engine (calico, cilium, kube-router, weave-net, antrea) runs on minikube profile ${profile}: the policies are stored but guard nothing. Start the profile with '--cni calico' (README: Security), or set networkPolicy false to say so`;
}
