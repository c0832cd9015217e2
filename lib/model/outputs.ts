// The stack's outputs: where to reach the network and what it runs. Nothing secret. The program
// declares them (some known only once deployed), the tools read them back with the Pulumi CLI.
import { Consensus } from "./consensus";
import { RuntimeKind } from "./network";

export interface NodeSummary {
    name: string;
    enode: string;
    ip: string;
}

/** The shape of the outputs below: a tool refuses outputs of another, naming the way to rewrite them. */
export const OUTPUTS_VERSION = 2;

export interface StackOutputs {
    outputsVersion: typeof OUTPUTS_VERSION;
    namespace: string;
    kubeContext: string;
    runtime: RuntimeKind;
    /** Empty with racecourse false. */
    racecourseUrl: string;
    ingressAddress: string;
    rpcEndpoint: string;
    wsEndpoint: string;
    bootnodeEnode: string;
    consensus: Consensus;
    nodes: NodeSummary[];
}

/** The outputs the program knows only once the cluster has them (the namespace, the ingress's address). */
export type DeployedOutput = "namespace" | "racecourseUrl" | "ingressAddress";
