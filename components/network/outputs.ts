// The network's stack outputs: where to reach it and what it runs, as the tools read them back.
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../../lib/model/network";
import { DeployedOutput, OUTPUTS_VERSION, StackOutputs } from "../../lib/model/outputs";
import { memberName } from "../../lib/network/names";
import { Bootnode } from "./bootnode";
import { QuorumNode } from "./quorumNode";
import { Racecourse } from "./racecourse";

/** The stack's outputs as declared: those the cluster decides are Outputs. */
export type NetworkOutputs = Omit<StackOutputs, DeployedOutput> & { [K in DeployedOutput]: pulumi.Output<string> };

export interface NetworkEndpoints {
    namespace: pulumi.Output<string>;
    /** The ingress's address when the preflight found it; else the Ingress's own once deployed. */
    knownIngress?: string;
    rpcEndpoint: string;
    wsEndpoint: string;
}

export function networkOutputs(
    config: NetworkConfig,
    endpoints: NetworkEndpoints,
    members: { bootnode: Bootnode; nodes: QuorumNode[]; racecourse?: Racecourse },
): NetworkOutputs {
    const { bootnode, nodes, racecourse } = members;
    const ingressAddress =
        endpoints.knownIngress !== undefined
            ? pulumi.output(endpoints.knownIngress)
            : (racecourse?.address ?? pulumi.output(""));
    const scheme = config.ingressTlsSecret ? "https" : "http";
    const racecourseUrl = !racecourse
        ? pulumi.output("")
        : config.ingressHost
          ? pulumi.output(`${scheme}://${config.ingressHost}/`)
          : pulumi.interpolate`${scheme}://${ingressAddress}/`;
    return {
        outputsVersion: OUTPUTS_VERSION,
        namespace: endpoints.namespace,
        kubeContext: config.kubeContext,
        runtime: config.runtime,
        racecourseUrl,
        ingressAddress,
        rpcEndpoint: endpoints.rpcEndpoint,
        wsEndpoint: endpoints.wsEndpoint,
        bootnodeEnode: bootnode.enode,
        consensus: config.consensus,
        nodes: nodes.map((node) => ({ name: memberName(node.index), enode: node.enode, ip: node.ip })),
    };
}
