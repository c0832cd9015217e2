// The one place where stack config is read and validated. Every problem is collected and
// reported together, naming the key and what it allows, before any resource is created.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { formatIpv4, isAssignableServiceIp, parseCidr, parseIpv4 } from "./ipv4";
import { GenesisKind } from "../keys/keygen";
import { consensusProblems, QdataFolder, readQdataFolder } from "../keys/qdata";
import { UserError } from "../userError";

export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
export const MAX_NODES = 50;
export const CONSENSUS_KINDS = ["raft", "ibft", "qbft"] as const;
export type ConsensusKind = (typeof CONSENSUS_KINDS)[number];
export const PLATFORMS = ["minikube", "kubernetes"] as const;
export type PlatformKind = (typeof PLATFORMS)[number];
export const RUNTIMES = ["kaleido", "goquorum"] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];
const MINIKUBE_ONLY_KEYS = ["minikubeProfile", "hostPathRoot", "enableIngressAddon", "loadImages"] as const;
const BFT_ONLY_KEYS = ["validators", "blockPeriod", "roundChangeTimer"] as const;
const KALEIDO_ONLY_KEYS = ["constellationImage", "constellationCpu", "constellationMemory"] as const;
const GOQUORUM_ONLY_KEYS = ["tesseraImage", "tesseraCpu", "tesseraMemory", "raftBlockTime"] as const;
/** The last GoQuorum release (go-ethereum 1.10.3 inside); the quorumImage default under runtime goquorum. */
export const GOQUORUM_IMAGE = "quorumengineering/quorum:24.4.1";

/** IBFT and QBFT: the first `validators` nodes validate; blocks every `blockPeriod` s; rounds change after `roundChangeTimerMs`. */
export type ConsensusConfig = { kind: "raft" } | { kind: "ibft" | "qbft"; validators: number; blockPeriod: number; roundChangeTimerMs: number };
export type BftConsensus = Exclude<ConsensusConfig, { kind: "raft" }>;

/** What a network's consensus settings write into a generated genesis; QBFT keeps its timing there (whole seconds). */
export function genesisKindOf(consensus: ConsensusConfig): GenesisKind {
    switch (consensus.kind) {
        case "raft":
            return { kind: "raft" };
        case "ibft":
            return { kind: "ibft", validators: consensus.validators };
        case "qbft":
            return { kind: "qbft", validators: consensus.validators, blockPeriodSeconds: consensus.blockPeriod, requestTimeoutSeconds: Math.ceil(consensus.roundChangeTimerMs / 1000) };
    }
}

export interface ResourceSpec {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** Prefixes of the resource keys (quorumCpu, tesseraMemory...). */
export type ContainerClass = "bootnode" | "quorum" | "constellation" | "tessera" | "racecourse";

/** Per role: the transaction manager is constellation (kaleido) or Tessera (goquorum). */
export interface RoleResources {
    bootnode: ResourceSpec;
    quorum: ResourceSpec;
    transactionManager: ResourceSpec;
    racecourse: ResourceSpec;
}

export type QdataSourceConfig =
    | { kind: "folder"; dir: string; folder: QdataFolder }
    | { kind: "generated"; dir: string; password: string; chainId: number; gasLimit: string };

type ConsensusSettings = { kind: ConsensusKind; validators: number; blockPeriod: number; roundChangeTimerMs: number; raftBlockTimeMs: number };

export interface NetworkConfig {
    platform: PlatformKind;
    runtime: RuntimeKind;
    kubeContext: string;
    minikubeProfile: string;
    namespace: string;
    createNamespace: boolean;
    nodeCount: number;
    consensus: ConsensusConfig;
    /** GoQuorum's --raftblocktime (runtime goquorum, Raft); the seed's start.sh sets its own. */
    raftBlockTimeMs: number;
    serviceCidr: string;
    bootnodeIp: string;
    nodeServiceIp: string;
    /** nodeIps[i] is the fixed clusterIP of node i+1. */
    nodeIps: string[];
    hostPathRoot: string;
    volumeSize: string;
    /** kubernetes platform: undefined means the cluster's default StorageClass. */
    storageClassName?: string;
    qdata: QdataSourceConfig;
    networkId: number;
    images: { quorum: string; transactionManager: string; racecourse: string };
    imagePullPolicy: PullPolicy;
    imagePullSecrets: string[];
    resources: RoleResources;
    racecourseEnv: Record<string, string>;
    ingressHost?: string;
    ingressClassName: string;
    ingressTlsSecret?: string;
    enableIngressAddon: boolean;
    loadImages: boolean;
    keepChainData: boolean;
}

/** Config as the user wrote it: strings, or JSON values for arrays. Absent keys take the defaults below. */
export type RawConfig = Partial<Record<ConfigKey, unknown>>;

export const DEFAULTS = {
    platform: "minikube",
    runtime: "kaleido",
    kubeContext: "minikube",
    minikubeProfile: "minikube",
    namespace: "quorum",
    createNamespace: true,
    nodeCount: 5,
    consensus: "raft",
    validators: 0,
    blockPeriod: 1,
    roundChangeTimer: 0,
    raftBlockTime: 50,
    serviceCidr: "10.96.0.0/12",
    bootnodeIp: "10.96.0.100",
    nodeServiceIp: "10.96.0.99",
    nodeIps: [] as string[],
    hostPathRoot: "/data",
    volumeSize: "1Gi",
    storageClassName: "",
    qdataDir: "",
    networkId: 2018,
    chainId: 3543006677,
    gasLimit: "0x2FEFD800",
    accountPassword: "",
    quorumImage: "jpmorganchase/quorum",
    constellationImage: "jpmorganchase/constellation",
    tesseraImage: "quorumengineering/tessera:24.4.2",
    racecourseImage: "test/racecourse",
    imagePullPolicy: "IfNotPresent",
    imagePullSecrets: [] as string[],
    bootnodeCpu: "50m:250m",
    bootnodeMemory: "64Mi:128Mi",
    quorumCpu: "250m:1",
    quorumMemory: "512Mi:1Gi",
    constellationCpu: "100m:500m",
    constellationMemory: "128Mi:256Mi",
    // Tessera is a JVM: less than 512Mi and it is killed while starting.
    tesseraCpu: "250m:1",
    tesseraMemory: "512Mi:1Gi",
    racecourseCpu: "100m:500m",
    racecourseMemory: "128Mi:256Mi",
    racecourseEnv: [] as string[],
    ingressHost: "",
    ingressClassName: "nginx",
    ingressTlsSecret: "",
    enableIngressAddon: true,
    loadImages: true,
    keepChainData: false,
};

export type ConfigKey = keyof typeof DEFAULTS;
export const CONFIG_KEYS = Object.keys(DEFAULTS) as ConfigKey[];

/**
 * The images minikube gets from the local Docker daemon, each once (two roles may share one): all
 * of the seed's (the user builds them), only the racecourse app's under goquorum, whose GoQuorum
 * and Tessera images the cluster pulls.
 */
export function locallyBuiltImages(config: NetworkConfig): string[] {
    const images = config.runtime === "goquorum" ? [config.images.racecourse] : Object.values(config.images);
    return [...new Set(images)];
}

export class ConfigError extends UserError {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

/** Reads the project's config namespace for the current stack, then validates it. */
export async function loadConfig(projectDir: string): Promise<NetworkConfig> {
    const config = new pulumi.Config();
    const raw: RawConfig = {};
    for (const key of CONFIG_KEYS) {
        if (key === "accountPassword") continue;
        const value = config.get(key);
        if (value !== undefined) raw[key] = value;
    }
    // A secret config value is known at preview too, so apply() always runs.
    const password = config.getSecret("accountPassword");
    if (password) raw.accountPassword = await new Promise<string>((resolve) => password.apply(resolve));
    return validateConfig(raw, { stack: pulumi.getStack(), projectDir });
}

export interface ConfigContext {
    /** Generated keys are kept per stack. */
    stack: string;
    /** Relative qdataDir values are taken from here; generated keys live under it. */
    projectDir: string;
}

export function validateConfig(raw: RawConfig, context: ConfigContext): NetworkConfig {
    const problems: string[] = [];
    const reader = new ValueReader(raw, problems);

    const platform = reader.oneOf("platform", PLATFORMS);
    const onlyFor = (keys: readonly ConfigKey[], setting: ConfigKey, wanted: string) => {
        for (const key of keys) if (differsFromDefault(raw, key)) problems.push(`${key}: only used with ${setting} ${wanted}; remove it or set ${setting} to ${wanted}`);
    };
    if (platform === "kubernetes") onlyFor(MINIKUBE_ONLY_KEYS, "platform", "minikube");
    else onlyFor(["storageClassName"], "platform", "kubernetes");
    const runtime = reader.oneOf("runtime", RUNTIMES);
    if (runtime === "goquorum") onlyFor(KALEIDO_ONLY_KEYS, "runtime", "kaleido");
    else onlyFor(GOQUORUM_ONLY_KEYS, "runtime", "goquorum");
    const storageClassName = reader.string("storageClassName");
    if (storageClassName !== "" && !DNS_SUBDOMAIN.test(storageClassName)) problems.push(`storageClassName: "${storageClassName}" must be a StorageClass name (lower-case DNS subdomain), or empty for the cluster's default`);
    const imagePullSecrets = reader.stringList("imagePullSecrets");
    for (const secret of imagePullSecrets) if (!DNS_SUBDOMAIN.test(secret)) problems.push(`imagePullSecrets: "${secret}" must be a Secret name (lower-case DNS subdomain)`);
    const ingressTlsSecret = reader.string("ingressTlsSecret");
    if (ingressTlsSecret !== "" && !DNS_SUBDOMAIN.test(ingressTlsSecret)) problems.push(`ingressTlsSecret: "${ingressTlsSecret}" must be a Secret name (lower-case DNS subdomain), or empty for plain HTTP`);

    const nodeCount = reader.integer("nodeCount", 1, MAX_NODES);
    const consensus = readConsensus(reader, raw, nodeCount, problems);
    if (consensus.kind === "qbft" && runtime === "kaleido") problems.push('consensus: "qbft" needs runtime goquorum (the seed\'s images run raft and ibft only); set runtime to goquorum or pick raft or ibft');
    if (consensus.kind !== "raft" && runtime === "goquorum" && differsFromDefault(raw, "raftBlockTime")) problems.push(`raftBlockTime: only used with consensus raft; remove it or set consensus to raft`);
    const serviceCidr = reader.string("serviceCidr");
    const cidr = parseCidr(serviceCidr);
    if (!cidr) problems.push(`serviceCidr: "${serviceCidr}" must be an IPv4 CIDR such as 10.96.0.0/12`);

    const bootnodeIp = reader.string("bootnodeIp");
    const nodeServiceIp = reader.string("nodeServiceIp");
    const nodeIps = reader.stringList("nodeIps");
    const resolvedNodeIps = nodeIps.length > 0 ? nodeIps : defaultNodeIps(bootnodeIp, nodeCount);
    if (nodeIps.length > 0 && nodeIps.length !== nodeCount) {
        problems.push(`nodeIps: lists ${nodeIps.length} addresses but nodeCount is ${nodeCount}; give one per node or leave it unset`);
    }
    const named: [string, string][] = [
        ["bootnodeIp", bootnodeIp],
        ["nodeServiceIp", nodeServiceIp],
        ...resolvedNodeIps.map((ip, i): [string, string] => [nodeIps.length > 0 ? `nodeIps[${i}]` : `nodeIps (derived from bootnodeIp) for node ${i + 1}`, ip]),
    ];
    checkServiceIps(named, cidr, serviceCidr, problems);

    const namespace = reader.string("namespace");
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
        problems.push(`namespace: "${namespace}" must be a DNS label (lower-case letters, digits and '-', at most 63 characters)`);
    }
    const hostPathRoot = reader.string("hostPathRoot");
    if (!/^(\/[A-Za-z0-9._-]+)+\/?$/.test(hostPathRoot)) {
        problems.push(`hostPathRoot: "${hostPathRoot}" must be an absolute path on the minikube node other than /, made of letters, digits, '.', '_' and '-', such as /data`);
    }
    const volumeSize = reader.string("volumeSize");
    if (!/^\d+(Ki|Mi|Gi|Ti)$/.test(volumeSize)) problems.push(`volumeSize: "${volumeSize}" must be a size such as 512Mi or 1Gi`);

    const goquorum = runtime === "goquorum";
    const quorumImage = reader.nonEmpty("quorumImage");
    const images = {
        // The seed's image name is Pulumi.yaml's default, which the CLI always passes: under goquorum it means "not set".
        quorum: goquorum && !differsFromDefault(raw, "quorumImage") ? GOQUORUM_IMAGE : quorumImage,
        transactionManager: reader.nonEmpty(goquorum ? "tesseraImage" : "constellationImage"),
        racecourse: reader.nonEmpty("racecourseImage"),
    };
    const imagePullPolicy = reader.oneOf("imagePullPolicy", PULL_POLICIES);
    const resources: RoleResources = {
        bootnode: reader.resources("bootnode"),
        quorum: reader.resources("quorum"),
        transactionManager: reader.resources(goquorum ? "tessera" : "constellation"),
        racecourse: reader.resources("racecourse"),
    };

    const qdataDir = reader.string("qdataDir");
    const chainId = reader.integer("chainId", 1, Number.MAX_SAFE_INTEGER);
    const gasLimit = reader.string("gasLimit");
    if (!/^0x[0-9a-fA-F]{1,16}$/.test(gasLimit)) problems.push(`gasLimit: "${gasLimit}" must be a hex quantity such as 0x2FEFD800`);
    const password = reader.string("accountPassword");
    if (qdataDir !== "" && password !== "") {
        problems.push("accountPassword: only used for generated keys; the qdataDir folder brings its own ethereum/passwords.txt, so unset one of them");
    }
    const qdata = qdataSource(qdataDir, nodeCount, consensus, problems, context, { password, chainId, gasLimit });

    const ingressHost = reader.string("ingressHost");
    if (ingressHost !== "" && !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ingressHost)) {
        problems.push(`ingressHost: "${ingressHost}" must be a lower-case DNS name such as racecourse.local, or empty for any host`);
    }

    const rest = {
        kubeContext: reader.nonEmpty("kubeContext"),
        minikubeProfile: reader.nonEmpty("minikubeProfile"),
        networkId: reader.integer("networkId", 1, Number.MAX_SAFE_INTEGER),
        racecourseEnv: reader.envList("racecourseEnv"),
        ingressClassName: reader.nonEmpty("ingressClassName"),
        enableIngressAddon: reader.boolean("enableIngressAddon"),
        createNamespace: reader.boolean("createNamespace"),
        loadImages: reader.boolean("loadImages"),
        keepChainData: reader.boolean("keepChainData"),
    };
    if (problems.length > 0 || !qdata) throw new ConfigError(problems);
    return {
        ...rest,
        platform,
        runtime,
        storageClassName: storageClassName === "" ? undefined : storageClassName,
        imagePullSecrets,
        ingressTlsSecret: ingressTlsSecret === "" ? undefined : ingressTlsSecret,
        namespace,
        nodeCount,
        consensus: resolveConsensus(consensus, qdata, nodeCount),
        raftBlockTimeMs: consensus.raftBlockTimeMs,
        serviceCidr,
        bootnodeIp,
        nodeServiceIp,
        nodeIps: resolvedNodeIps,
        hostPathRoot: hostPathRoot.replace(/\/+$/, ""),
        volumeSize,
        qdata,
        images,
        imagePullPolicy,
        resources,
        ingressHost: ingressHost === "" ? undefined : ingressHost,
    };
}

/**
 * Whether the stack sets a key to something other than its default. Presence says nothing: the
 * Pulumi CLI hands the program every default that Pulumi.yaml declares as if the stack set it.
 */
function differsFromDefault(raw: RawConfig, key: ConfigKey): boolean {
    const value = raw[key];
    if (value === undefined) return false;
    const text = (v: unknown) => (typeof v === "string" ? v.trim() : JSON.stringify(v));
    return text(value) !== text(DEFAULTS[key]);
}

function readConsensus(reader: ValueReader, raw: RawConfig, nodeCount: number, problems: string[]): ConsensusSettings {
    const kind = reader.oneOf("consensus", CONSENSUS_KINDS);
    if (kind === "raft") {
        for (const key of BFT_ONLY_KEYS) if (differsFromDefault(raw, key)) problems.push(`${key}: only used with consensus ibft or qbft; remove it or set consensus to ibft or qbft`);
    }
    const blockPeriod = reader.integer("blockPeriod", 1, 60);
    const roundChangeTimer = reader.integer("roundChangeTimer", 0, 600_000);
    return {
        kind,
        validators: reader.integer("validators", 0, nodeCount),
        raftBlockTimeMs: reader.integer("raftBlockTime", 1, 10_000),
        blockPeriod,
        // setup.sh's default: ten seconds more than a block period.
        roundChangeTimerMs: roundChangeTimer === 0 ? (blockPeriod + 10) * 1000 : roundChangeTimer,
    };
}

/** The validator count comes from the folder's genesis when there is one, else 0 means every node. */
function resolveConsensus(settings: ConsensusSettings, qdata: QdataSourceConfig, nodeCount: number): ConsensusConfig {
    if (settings.kind === "raft") return { kind: "raft" };
    const fromGenesis = qdata.kind === "folder" && qdata.folder.genesis.kind !== "raft" ? qdata.folder.genesis.validators.length : 0;
    const validators = fromGenesis || settings.validators || nodeCount;
    // A QBFT genesis carries its block period; geth reads it from there, not from config.
    const blockPeriod = qdata.kind === "folder" && qdata.folder.genesis.kind === "qbft" ? qdata.folder.genesis.blockPeriodSeconds : settings.blockPeriod;
    return { kind: settings.kind, validators, blockPeriod, roundChangeTimerMs: settings.roundChangeTimerMs };
}

function qdataSource(
    qdataDir: string,
    nodeCount: number,
    consensus: ConsensusSettings,
    problems: string[],
    context: ConfigContext,
    generated: { password: string; chainId: number; gasLimit: string },
): QdataSourceConfig | undefined {
    if (qdataDir === "") return { kind: "generated", dir: path.join(context.projectDir, ".keys", context.stack), ...generated };
    const dir = path.resolve(context.projectDir, qdataDir);
    const folder = readQdataFolder(dir, nodeCount, problems);
    if (folder) problems.push(...consensusProblems(dir, folder, consensus));
    return folder && { kind: "folder", dir, folder };
}

function defaultNodeIps(bootnodeIp: string, nodeCount: number): string[] {
    const base = parseIpv4(bootnodeIp);
    if (base === undefined) return [];
    return Array.from({ length: nodeCount }, (_, i) => formatIpv4(base + i + 1));
}

function checkServiceIps(named: [string, string][], cidr: ReturnType<typeof parseCidr>, cidrText: string, problems: string[]): void {
    const seen = new Map<string, string>();
    for (const [key, ip] of named) {
        const value = parseIpv4(ip);
        if (value === undefined) {
            problems.push(`${key}: "${ip}" must be an IPv4 address`);
            continue;
        }
        if (cidr && !isAssignableServiceIp(value, cidr)) {
            problems.push(`${key}: ${ip} must lie inside serviceCidr ${cidrText}, excluding its network, first and last addresses`);
        }
        const other = seen.get(ip);
        if (other) problems.push(`${key}: ${ip} is already used by ${other}; every clusterIP must be distinct`);
        else seen.set(ip, key);
    }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_QUANTITY = /^\d+(Ki|Mi|Gi)$/;
const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

function cpuMillis(quantity: string): number {
    return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

function memoryBytes(quantity: string): number {
    return Number(quantity.slice(0, -2)) * MEMORY_UNITS[quantity.slice(-2)];
}

/** Reads each key once, falling back to DEFAULTS, and records a problem (not an exception) for bad values. */
class ValueReader {
    constructor(
        private readonly raw: RawConfig,
        private readonly problems: string[],
    ) {}

    private value(key: ConfigKey): unknown {
        const value = this.raw[key];
        return value === undefined ? DEFAULTS[key] : value;
    }

    string(key: ConfigKey): string {
        const value = this.value(key);
        if (typeof value === "string") return value.trim();
        this.problems.push(`${key}: must be a string`);
        return "";
    }

    nonEmpty(key: ConfigKey): string {
        const value = this.string(key);
        if (value === "") this.problems.push(`${key}: must not be empty`);
        return value;
    }

    integer(key: ConfigKey, min: number, max: number): number {
        const value = this.value(key);
        const text = String(value).trim();
        const number = /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(number) || number < min || number > max) {
            this.problems.push(`${key}: "${text}" must be a whole number from ${min} to ${max}`);
            return min;
        }
        return number;
    }

    boolean(key: ConfigKey): boolean {
        const text = String(this.value(key)).trim();
        if (text === "true" || text === "false") return text === "true";
        this.problems.push(`${key}: "${text}" must be true or false`);
        return false;
    }

    oneOf<T extends string>(key: ConfigKey, allowed: readonly T[]): T {
        const value = this.string(key);
        const match = allowed.find((candidate) => candidate === value);
        if (match) return match;
        this.problems.push(`${key}: "${value}" must be one of ${allowed.join(", ")}`);
        return allowed[0];
    }

    stringList(key: ConfigKey): string[] {
        let value = this.value(key);
        if (typeof value === "string") {
            try {
                value = JSON.parse(value);
            } catch {
                value = undefined;
            }
        }
        if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.map((item) => item.trim());
        this.problems.push(`${key}: must be a list of strings`);
        return [];
    }

    envList(key: ConfigKey): Record<string, string> {
        const env: Record<string, string> = {};
        for (const entry of this.stringList(key)) {
            const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
            if (match) env[match[1]] = match[2];
            else this.problems.push(`${key}: "${entry}" must be NAME=value with NAME made of letters, digits and _`);
        }
        return env;
    }

    /** "<request>:<limit>" pairs, e.g. quorumCpu "250m:1" and quorumMemory "512Mi:1Gi". */
    resources(container: ContainerClass): ResourceSpec {
        const cpu = this.pair(`${container}Cpu` as ConfigKey, CPU_QUANTITY, cpuMillis, "CPU quantities such as 250m:1");
        const memory = this.pair(`${container}Memory` as ConfigKey, MEMORY_QUANTITY, memoryBytes, "memory quantities such as 512Mi:1Gi");
        return { requests: { cpu: cpu[0], memory: memory[0] }, limits: { cpu: cpu[1], memory: memory[1] } };
    }

    private pair(key: ConfigKey, pattern: RegExp, magnitude: (quantity: string) => number, example: string): [string, string] {
        const text = this.string(key);
        const parts = text.split(":");
        if (parts.length === 2 && parts.every((part) => pattern.test(part))) {
            if (magnitude(parts[0]) <= magnitude(parts[1])) return [parts[0], parts[1]];
            this.problems.push(`${key}: request ${parts[0]} must not exceed limit ${parts[1]}`);
        } else {
            this.problems.push(`${key}: "${text}" must be request:limit ${example}`);
        }
        return [parts[0] ?? "", parts[1] ?? ""];
    }
}
