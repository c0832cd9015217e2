// What a stack asks of its cluster: the summed requests of its pods, and the minikube size that
// holds them beside Kubernetes' own pods, the CNI and the ingress controller.
import { NetworkConfig, ResourceSpec } from "../model/network";
import { cpuMillis, memoryBytes } from "../model/quantities";

export interface Requests {
    cpuMillis: number;
    memoryBytes: number;
}

const MIB = 2 ** 20;
/** What minikube's control plane, CoreDNS, calico and ingress-nginx request (about 1.1 CPU, 0.5 GiB) and use, rounded up. */
const PLATFORM_OVERHEAD: Requests = { cpuMillis: 1250, memoryBytes: 2048 * MIB };
const MINIMUM_MINIKUBE = { cpus: 2, memoryMib: 4096 };

/** Every pod of the stack: the bootnode, each node's geth and transaction manager, the racecourse. */
export function stackRequests(config: NetworkConfig): Requests {
    const { bootnode, quorum, transactionManager } = config.resources;
    const specs: ResourceSpec[] = [
        bootnode,
        ...Array.from({ length: config.nodeCount }, () => [quorum, transactionManager]).flat(),
        ...(config.racecourse ? [config.racecourse.resources] : []),
    ];
    return {
        cpuMillis: specs.reduce((sum, spec) => sum + cpuMillis(spec.requests.cpu), 0),
        memoryBytes: specs.reduce((sum, spec) => sum + memoryBytes(spec.requests.memory), 0),
    };
}

/** `minikube start --cpus --memory` for the stack: its requests and the platform's, in whole CPUs and GiB. */
export function minikubeSize(requests: Requests): { cpus: number; memoryMib: number } {
    const cpus = Math.ceil((requests.cpuMillis + PLATFORM_OVERHEAD.cpuMillis) / 1000);
    const memoryMib = Math.ceil((requests.memoryBytes + PLATFORM_OVERHEAD.memoryBytes) / (1024 * MIB)) * 1024;
    return { cpus: Math.max(cpus, MINIMUM_MINIKUBE.cpus), memoryMib: Math.max(memoryMib, MINIMUM_MINIKUBE.memoryMib) };
}

export function describeCpu(millis: number): string {
    return millis % 1000 === 0 ? `${millis / 1000} CPUs` : `${(millis / 1000).toFixed(2)} CPUs`;
}

export function describeMemory(bytes: number): string {
    return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
