// Validates stack config into the network model. Every problem is collected and reported together,
// naming the key and what it allows, before any resource is created.
import * as fs from "fs";
import * as path from "path";
import { runtimeNamed, runtimesBesides } from "../runtime/runtimes";
import { RACECOURSE_NODE_IMAGE } from "../runtime/images";
import { Runtime } from "../runtime/runtime";
import { checkedQdataFolder } from "../qdata/genesis";
import { readAddresses } from "./addresses";
import { ConsensusKind } from "../model/consensus";
import { ConsensusSettings, readConsensusSettings, resolveConsensus } from "./consensusSettings";
import {
    FormerRuntimeName,
    Images,
    isFormerRuntimeName,
    MAX_NODES,
    NetworkConfig,
    PlatformKind,
    RacecourseSettings,
    PLATFORMS,
    PULL_POLICIES,
    QdataSource,
    RoleResources,
    RUNTIMES,
} from "../model/network";
import { UserError } from "../userError";
import { readMonitoring } from "./monitoring";
import { RestoreCheck, restoreProblems, restoreSource, tamperedBackupProblems } from "./restore";
import { MANIFEST } from "../backup/manifest";
import { RestoreSource } from "../model/restore";
import { NetworkPolicySettings, PeerSelector } from "../model/networkPolicy";
import { parsePeerSelector } from "./networkPolicy";
import { unknownKeyProblems } from "./unknownKeys";
import { RawConfig, ValueReader } from "./values";
import { defaultRoot, readHostPathRoot } from "./hostPathRoot";
import { dnsLabel, dnsSubdomain, kubeContextProblem, minikubeProfileProblem } from "./names";
import { gasLimitProblem } from "./gasLimit";

const MINIKUBE_ONLY_KEYS = ["minikubeProfile", "hostPathRoot", "enableIngressAddon", "loadImages"];
/** Kubernetes' own namespaces: a network there would sit beside the control plane's pods. */
const RESERVED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
const SECRET_NAME = dnsSubdomain("a Secret name", "regcred");

export class ConfigError extends UserError {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

export interface ConfigContext {
    /** Generated keys are kept per stack. */
    stack: string;
    /** Relative qdataDir values are taken from here; generated keys live under it. */
    projectDir: string;
}

export function validateConfig(raw: RawConfig, context: ConfigContext): NetworkConfig {
    // A mistyped key is named first: the rest of the problems may only be its key's default.
    const reader = new ValueReader(raw, unknownKeyProblems(Object.keys(raw)));
    const platform = reader.oneOf("platform", PLATFORMS);
    if (platform === "kubernetes") reader.onlyFor(MINIKUBE_ONLY_KEYS, "platform", "minikube");
    else reader.onlyFor(["storageClassName"], "platform", "kubernetes");
    const { runtime, runtimeSetAs } = readRuntime(reader);
    for (const other of runtimesBesides(runtime)) reader.onlyFor(other.stackKeys, "runtime", other.kind);

    const nodeCount = reader.integer("nodeCount", 1, MAX_NODES);
    const settings = readConsensusSettings(reader, nodeCount, runtime);
    const addresses = readAddresses(reader, nodeCount);
    const qdata = readQdataSource(reader, nodeCount, settings, context);
    const network = {
        platform,
        runtime: runtime.kind,
        ...(runtimeSetAs ? { runtimeSetAs } : {}),
        runtimeImagesBuiltLocally: runtime.imagesBuiltLocally,
        nodeCount,
        ...addresses,
        raftBlockTimeMs: settings.raftBlockTimeMs,
        rpcApis: readRpcApis(reader, settings.kind),
        rpcBrowserOrigins: readOrigins(reader),
        networkId: reader.integer("networkId", 1, Number.MAX_SAFE_INTEGER),
        ...readWorkloads(reader, runtime),
        ...readPlace(reader, context, platform),
        ...readIngress(reader),
        networkPolicy: readNetworkPolicy(reader),
        monitoring: readMonitoring(reader, runtime),
        restore: readRestore(
            reader,
            qdata,
            { nodeCount, consensus: settings.kind, canHoldSealing: runtime.holdsSealing, nodeIps: addresses.nodeIps },
            context,
        ),
    };
    if (reader.problems.length > 0 || !qdata) throw new ConfigError(reader.problems);
    return { ...network, qdata, consensus: resolveConsensus(settings, qdata, nodeCount) };
}

/** Where the network lives: context, namespace, volumes, and what a destroy keeps. */
function readPlace(reader: ValueReader, context: ConfigContext, platform: PlatformKind) {
    const storageClassName = reader.valid(
        "storageClassName",
        dnsSubdomain("a StorageClass name", "standard", "the cluster's default"),
        true,
    );
    const namespace = reader.valid("namespace", dnsLabel("a namespace name", "quorum"));
    if (RESERVED_NAMESPACES.includes(namespace))
        reader.problem("namespace", `"${namespace}" is Kubernetes' own; choose the network's own, such as quorum`);
    const minikubeProfile = reader.valid("minikubeProfile", minikubeProfileProblem);
    // Each stack its own folders (/data/<stack> by default): two stacks never seed, nor wipe, each other's chain.
    const onMinikube = platform === "minikube";
    const hostPathRoot = onMinikube
        ? readHostPathRoot(reader, context, minikubeProfile)
        : defaultRoot(context.stack, reader.string("hostPathRoot"));
    return {
        kubeContext: reader.valid("kubeContext", kubeContextProblem),
        minikubeProfile,
        namespace,
        createNamespace: reader.boolean("createNamespace"),
        hostPathRoot,
        volumeSize: reader.size("volumeSize"),
        storageClassName: storageClassName === "" ? undefined : storageClassName,
        enableIngressAddon: reader.boolean("enableIngressAddon"),
        loadImages: reader.boolean("loadImages"),
        keepChainData: reader.boolean("keepChainData"),
    };
}

/**
 * The runtime key: a runtime's name, or a former one, which existing stacks' files hold. Refusing
 * that would stop every `pulumi up` of a running network until its file was edited, for a name.
 */
function readRuntime(reader: ValueReader): { runtime: Runtime; runtimeSetAs?: FormerRuntimeName } {
    const value = reader.string("runtime");
    if (isFormerRuntimeName(value)) return { runtime: runtimeNamed(value), runtimeSetAs: value };
    return { runtime: runtimeNamed(reader.oneOf("runtime", RUNTIMES)) };
}

/** What the pods run: images (the quorum image's default is the runtime's), pulls and resources. */
function readWorkloads(reader: ValueReader, runtime: Runtime) {
    const quorumImage = reader.image("quorumImage", true);
    const images: Images = {
        quorum: quorumImage === "" ? runtime.defaultQuorumImage : quorumImage,
        transactionManager: reader.image(`${runtime.transactionManager}Image`),
    };
    const imagePullSecrets = reader.stringList("imagePullSecrets");
    for (const secret of imagePullSecrets) {
        const problem = SECRET_NAME(secret);
        if (problem) reader.problem("imagePullSecrets", problem);
    }
    const resources: RoleResources = {
        bootnode: reader.resources("bootnode"),
        quorum: reader.resources("quorum"),
        transactionManager: reader.resources(runtime.transactionManager),
    };
    return {
        images,
        imagePullPolicy: reader.oneOf("imagePullPolicy", PULL_POLICIES),
        imagePullSecrets,
        resources,
        racecourse: readRacecourse(reader),
        rolloutTimeoutSeconds: reader.integer("rolloutTimeout", 30, 3600),
        allowImageDowngrade: reader.boolean("allowImageDowngrade"),
    };
}

const RACECOURSE_KEYS = [
    "racecourseImage",
    "racecourseCpu",
    "racecourseMemory",
    "racecourseEnv",
    "ingressHost",
    "ingressClassName",
    "ingressTlsSecret",
];

/** The project's app unless racecourseImage names the user's own; none with racecourse false. */
function readRacecourse(reader: ValueReader): RacecourseSettings | undefined {
    if (!reader.boolean("racecourse")) {
        reader.onlyFor(RACECOURSE_KEYS, "racecourse", "true");
        return undefined;
    }
    const image = reader.image("racecourseImage", true);
    return {
        image: image || RACECOURSE_NODE_IMAGE,
        shippedApp: image === "",
        resources: reader.resources("racecourse"),
        env: reader.envList("racecourseEnv"),
    };
}

function readIngress(reader: ValueReader) {
    const ingressHost = reader.valid(
        "ingressHost",
        dnsSubdomain("a lower-case DNS name", "racecourse.local", "any host"),
        true,
    );
    const ingressTlsSecret = reader.valid(
        "ingressTlsSecret",
        dnsSubdomain("a Secret name", "racecourse-tls", "plain HTTP"),
        true,
    );
    return {
        ingressHost: ingressHost === "" ? undefined : ingressHost,
        ingressClassName: reader.valid(
            "ingressClassName",
            dnsSubdomain("an IngressClass name", "nginx (the minikube ingress addon's)"),
        ),
        ingressTlsSecret: ingressTlsSecret === "" ? undefined : ingressTlsSecret,
    };
}

/** The namespaces GoQuorum 24.4.1 serves (it has no "quorum" one), the consensus's own included. */
const RPC_NAMESPACES = ["admin", "debug", "eth", "miner", "net", "personal", "txpool", "web3"];

function readRpcApis(reader: ValueReader, consensus: ConsensusKind): string[] {
    const allowed = [...RPC_NAMESPACES, consensus === "raft" ? "raft" : "istanbul"];
    const apis = reader
        .string("rpcApis")
        .split(",")
        .map((api) => api.trim());
    const unknown = apis.filter((api) => !allowed.includes(api));
    if (unknown.length > 0)
        reader.problem(
            "rpcApis",
            `"${unknown.join(",")}" is not a namespace GoQuorum 24.4.1 serves under ${consensus}; choose from ${allowed.join(", ")}`,
        );
    return apis;
}

/** A page's origin as a browser sends it: scheme, host and an optional port, nothing else. */
const ORIGIN = /^https?:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/;

function readOrigins(reader: ValueReader): string[] {
    const origins = reader.stringList("rpcBrowserOrigins");
    for (const origin of origins)
        if (!ORIGIN.test(origin))
            reader.problem(
                "rpcBrowserOrigins",
                `"${origin}" must be an origin such as http://localhost:5173 (scheme, host, port; no path, no *)`,
            );
    return origins;
}

function readNetworkPolicy(reader: ValueReader): NetworkPolicySettings | undefined {
    const enabled = reader.boolean("networkPolicy");
    const ingressNamespace = reader.valid("ingressNamespace", dnsLabel("a namespace name", "ingress-nginx"));
    const rpcClients = readPeerSelectors(reader, "rpcClients");
    const metricsScrapers = readPeerSelectors(reader, "metricsScrapers");
    if (!enabled) reader.onlyFor(["rpcClients", "metricsScrapers", "ingressNamespace"], "networkPolicy", "true");
    return enabled ? { rpcClients, metricsScrapers, ingressNamespace } : undefined;
}

function readPeerSelectors(reader: ValueReader, key: string): PeerSelector[] {
    return reader.stringList(key).flatMap((entry) => {
        const selector = parsePeerSelector(entry);
        if (!selector)
            reader.problem(
                key,
                `"${entry}" must be pod labels key=value[,key=value], namespace:key=value[,...] for whole namespaces, or one of each separated by a space`,
            );
        return selector ? [selector] : [];
    });
}

/** restoreFrom, checked against the stack: its chain (genesis), node count, the one head it restores to and, under Raft, addresses. */
function readRestore(
    reader: ValueReader,
    qdata: QdataSource | undefined,
    stack: Omit<RestoreCheck, "dir" | "qdataDir" | "ceil2Nby3Block" | "backupVerified">,
    context: ConfigContext,
): RestoreSource | undefined {
    const restoreFrom = reader.string("restoreFrom");
    if (restoreFrom === "" || !qdata) return undefined;
    const dir = path.resolve(context.projectDir, restoreFrom);
    const genesis = qdata.kind === "folder" ? qdata.folder.genesis : undefined;
    const check = {
        ...stack,
        dir,
        qdataDir: qdata.dir,
        // Keys read from the backup itself were read only once it matched its manifest (readQdataSource).
        backupVerified: qdata.dir === dir,
        ...(genesis && genesis.kind !== "raft" ? { ceil2Nby3Block: genesis.ceil2Nby3Block } : {}),
    };
    const problems = restoreProblems(check);
    reader.problems.push(...problems);
    return problems.length === 0 ? restoreSource(check) : undefined;
}

/** The user's qdata folder, read and checked now; or the folder generated keys go to, with their settings. */
function readQdataSource(
    reader: ValueReader,
    nodeCount: number,
    consensus: ConsensusSettings,
    context: ConfigContext,
): QdataSource | undefined {
    // A backup folder is a qdata folder, chain data included: restoring takes its keys unless qdataDir names another.
    const keysFrom =
        reader.string("qdataDir") === "" && reader.string("restoreFrom") !== "" ? "restoreFrom" : "qdataDir";
    const qdataDir = reader.string(keysFrom);
    const chainId = reader.integer("chainId", 1, Number.MAX_SAFE_INTEGER);
    const gasLimit = reader.valid("gasLimit", gasLimitProblem);
    const password = reader.string("accountPassword");
    if (qdataDir === "")
        return {
            kind: "generated",
            dir: path.join(context.projectDir, ".keys", context.stack),
            password,
            chainId,
            gasLimit,
        };
    if (password !== "")
        reader.problems.push(
            "accountPassword: only used for generated keys; the qdataDir folder brings its own ethereum/passwords.txt, so unset one of them",
        );
    const dir = path.resolve(context.projectDir, qdataDir);
    if (keysFrom === "restoreFrom" && !fs.existsSync(dir)) {
        reader.problems.push(`restoreFrom: folder ${dir} does not exist (npm run backup -- --out DIR makes one)`);
        return undefined;
    }
    // A backup is judged by its manifest first: a changed key would otherwise read as a bad qdata folder.
    const tampered =
        keysFrom === "restoreFrom" && fs.existsSync(path.join(dir, MANIFEST)) ? tamperedBackupProblems(dir) : [];
    if (tampered.length > 0) {
        reader.problems.push(...tampered);
        return undefined;
    }
    const problems: string[] = [];
    const folder = checkedQdataFolder(dir, nodeCount, consensus, problems);
    // A problem of a file is named by its path; the key that named the folder goes first. Others name their own key.
    reader.problems.push(
        ...problems.map((problem) => (path.isAbsolute(problem.split(":")[0]) ? `${keysFrom}: ${problem}` : problem)),
    );
    return folder && { kind: "folder", dir, folder };
}
