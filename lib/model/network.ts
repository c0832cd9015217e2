// The network model: the typed, validated stack config every component and script works from.
import { QdataFolder } from "./qdata";
import { Consensus } from "./consensus";
import { MonitoringSettings } from "./monitoring";
import { RestoreSource } from "./restore";
import { NetworkPolicySettings } from "./networkPolicy";

export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
export const PLATFORMS = ["minikube", "kubernetes"] as const;
export type PlatformKind = (typeof PLATFORMS)[number];
/** What the node pods run: the seed's images (built from kaleido-io/quorum-tools), or GoQuorum and Tessera. */
export const RUNTIMES = ["quorum-tools", "goquorum"] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];
/**
 * The runtime key's former values, each with the runtime it names now: existing stacks' files and
 * outputs still say them, and each still means its runtime (a warning names the value to write).
 */
export const FORMER_RUNTIME_NAMES = { kaleido: "quorum-tools" } as const satisfies Record<string, RuntimeKind>;
export type FormerRuntimeName = keyof typeof FORMER_RUNTIME_NAMES;
/** A runtime as a stack's file or outputs may name it: by its name, or a former one. */
export type RuntimeName = RuntimeKind | FormerRuntimeName;

export function isFormerRuntimeName(text: string): text is FormerRuntimeName {
    return Object.hasOwn(FORMER_RUNTIME_NAMES, text);
}
export const MAX_NODES = 50;

export interface ResourceSpec {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** Per role: the transaction manager is constellation (quorum-tools) or Tessera (goquorum). */
export interface RoleResources {
    bootnode: ResourceSpec;
    quorum: ResourceSpec;
    transactionManager: ResourceSpec;
}

export interface Images {
    quorum: string;
    transactionManager: string;
}

/** The racecourse web app: the project's own (apps/racecourse) on the stock Node.js image, or the user's image. */
export interface RacecourseSettings {
    image: string;
    /** The project's app, mounted from a ConfigMap into `image` (a stock Node.js image). */
    shippedApp: boolean;
    resources: ResourceSpec;
    env: Record<string, string>;
}

export type QdataSource =
    | { kind: "folder"; dir: string; folder: QdataFolder }
    | { kind: "generated"; dir: string; password: string; chainId: number; gasLimit: string };

export interface NetworkConfig {
    platform: PlatformKind;
    runtime: RuntimeKind;
    /** The runtime key's value when it names the runtime by a former name (said at every preview). */
    runtimeSetAs?: FormerRuntimeName;
    /** The runtime's images are the user's own build (the seed's): minikube gets them from the local Docker daemon. */
    runtimeImagesBuiltLocally: boolean;
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
    /** Origins whose pages may call RPC from a browser (CORS, WS origins); empty: none. */
    rpcBrowserOrigins: string[];
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
    /** Undefined: no racecourse (racecourse false). */
    racecourse?: RacecourseSettings;
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
    /** How long a member restarted by a change may take to be back, in step and peered. */
    rolloutTimeoutSeconds: number;
    /** The user accepts running the chain on an older GoQuorum or Tessera than has run it. */
    allowImageDowngrade: boolean;
}

/**
 * The images minikube gets from the local Docker daemon, each once (two roles may share one): the
 * seed's (the user builds them) and a racecourse image of the user's own. The cluster pulls
 * GoQuorum, Tessera and the stock Node.js image the project's racecourse runs on.
 */
export function locallyBuiltImages(config: NetworkConfig): string[] {
    const runtime = config.runtimeImagesBuiltLocally ? Object.values(config.images) : [];
    const racecourse = config.racecourse && !config.racecourse.shippedApp ? [config.racecourse.image] : [];
    return [...new Set([...runtime, ...racecourse])];
}
