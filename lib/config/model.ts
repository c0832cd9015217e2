// The network model: the typed, validated stack config every component and script works from.
import { QdataFolder } from "../qdata/folder";
import { Consensus } from "./consensus";
import { MonitoringSettings } from "./monitoring";
import { RestoreSource } from "./restore";
import { NetworkPolicySettings } from "./networkPolicy";

export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
export const PLATFORMS = ["minikube", "kubernetes"] as const;
export type PlatformKind = (typeof PLATFORMS)[number];
export const RUNTIMES = ["kaleido", "goquorum"] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];
export const MAX_NODES = 50;

export interface ResourceSpec {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** Per role: the transaction manager is constellation (kaleido) or Tessera (goquorum). */
export interface RoleResources {
    bootnode: ResourceSpec;
    quorum: ResourceSpec;
    transactionManager: ResourceSpec;
    racecourse: ResourceSpec;
}

export interface Images {
    quorum: string;
    transactionManager: string;
    racecourse: string;
}

export type QdataSource =
    | { kind: "folder"; dir: string; folder: QdataFolder }
    | { kind: "generated"; dir: string; password: string; chainId: number; gasLimit: string };

export interface NetworkConfig {
    platform: PlatformKind;
    runtime: RuntimeKind;
    kubeContext: string;
    minikubeProfile: string;
    namespace: string;
    createNamespace: boolean;
    nodeCount: number;
    consensus: Consensus;
    /** GoQuorum's --raftblocktime (runtime goquorum, Raft); the seed's start.sh sets its own. */
    raftBlockTimeMs: number;
    /** GoQuorum's HTTP and WS namespaces; the seed's start.sh chooses its own. */
    rpcApis: string[];
    serviceCidr: string;
    bootnodeIp: string;
    nodeServiceIp: string;
    /** nodeIps[i] is the fixed clusterIP of node i+1. */
    nodeIps: string[];
    hostPathRoot: string;
    volumeSize: string;
    /** kubernetes platform: undefined means the cluster's default StorageClass. */
    storageClassName?: string;
    qdata: QdataSource;
    networkId: number;
    images: Images;
    imagePullPolicy: PullPolicy;
    imagePullSecrets: string[];
    resources: RoleResources;
    racecourseEnv: Record<string, string>;
    /** Undefined: no NetworkPolicy (networkPolicy false). */
    networkPolicy?: NetworkPolicySettings;
    /** Undefined: no metrics exported (monitoring none, or the seed's images). */
    monitoring?: MonitoringSettings;
    /** restoreFrom: the backup the new volumes start with. */
    restore?: RestoreSource;
    ingressHost?: string;
    ingressClassName: string;
    ingressTlsSecret?: string;
    enableIngressAddon: boolean;
    loadImages: boolean;
    keepChainData: boolean;
}

/**
 * The images minikube gets from the local Docker daemon, each once (two roles may share one): all
 * of the seed's (the user builds them), only the racecourse app's under goquorum, whose GoQuorum
 * and Tessera images the cluster pulls.
 */
export function locallyBuiltImages(config: NetworkConfig): string[] {
    const images = config.runtime === "goquorum" ? [config.images.racecourse] : Object.values(config.images);
    return [...new Set(images)];
}
