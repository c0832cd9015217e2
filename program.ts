// The stack program: validate config, check the platform, make or read the qdata keys, then
// declare the network on that platform. Every check runs before the first resource is declared.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlatform } from "./components/kubernetes/platform";
import { LocalImage } from "./components/minikube/minikubeSetup";
import { MinikubePlatform } from "./components/minikube/platform";
import { QuorumNetwork, RunningNetwork } from "./components/network/network";
import { NetworkOutputs } from "./components/network/outputs";
import { Platform } from "./components/network/platform";
import { ConfigError } from "./lib/config/validate";
import { locallyBuiltImages, NetworkConfig } from "./lib/model/network";
import { loadConfig } from "./lib/config/load";
import { configWarnings } from "./lib/config/warnings";
import { validatorCount, withGenesisQuorum } from "./lib/model/consensus";
import { ensureGeneratedQdata } from "./lib/qdata/generate";
import { checkedQdataFolder, forkOrderWarning } from "./lib/qdata/genesis";
import { QdataFolder } from "./lib/model/qdata";
import { clusterPreflight } from "./lib/kubernetes/preflight";
import { Kube, Kubectl, snapshotOf } from "./lib/kubernetes/kubectl";
import { serviceMonitorPreflight } from "./lib/kubernetes/monitoringChecks";
import { localImageIds, preflight } from "./lib/minikube/checks";
import { Runtime } from "./lib/runtime/runtime";
import { runtimeNamed } from "./lib/runtime/runtimes";
import { runningMembers } from "./operations/raft-membership/observe";
import { checkChainKept, checkVersionChange } from "./operations/rollout/step";
import { checkValidatorChange } from "./operations/validator-votes/step";

/** How the program reads the running network at preview: kubectl in the stack's context and namespace. */
export type ClusterReader = (kubeContext: string, namespace: string) => Kube;
const kubectlReader: ClusterReader = (kubeContext, namespace) => snapshotOf(new Kubectl(kubeContext, namespace));

export async function deployQuorumNetwork(
    projectDir: string,
    opts?: pulumi.ComponentResourceOptions,
    readCluster = kubectlReader,
): Promise<NetworkOutputs> {
    const loaded = await loadConfig(projectDir);
    for (const warning of configWarnings(loaded)) await pulumi.log.warn(warning);
    const target = loaded.platform === "minikube" ? await minikube(loaded) : await anyCluster(loaded, projectDir);
    if (loaded.monitoring?.discovery === "serviceMonitor")
        await serviceMonitorPreflight(loaded.kubeContext, loaded.monitoring.serviceMonitorLabels, loaded.namespace);
    const qdata = await prepareQdata(loaded);
    const config = { ...loaded, consensus: withGenesisQuorum(loaded.consensus, qdata.genesis) };
    const runtime = runtimeNamed(config.runtime);
    const running = await readRunningNetwork(
        config,
        qdata,
        runtime,
        target.platform,
        readCluster(config.kubeContext, config.namespace),
    );
    const network = new QuorumNetwork("quorum", { config, qdata, runtime, ...running, ...target }, opts);
    if (config.qdata.kind === "generated") forgetKeysOnDestroy(network, config.qdata.dir, config.keepChainData);
    return network.outputs;
}

/**
 * What runs now, read in-process as the operations' own CLIs read it: which Raft members run (who
 * founds the network and who joins or leaves it), whether the running nodes keep their chain,
 * whether a change of validators is one vote, and whether the images' versions change.
 */
async function readRunningNetwork(
    config: NetworkConfig,
    qdata: QdataFolder,
    runtime: Runtime,
    platform: Platform,
    kube: Kube,
): Promise<RunningNetwork> {
    await checkChainKept(kube, new Map(qdata.nodes.map((node) => [node.index, platform.seedId(node, runtime.name)])));
    const runningRaftMembers = config.consensus.kind === "raft" ? await runningMembers(kube) : new Map();
    if (config.consensus.kind !== "raft") await checkValidatorChange(kube, config.consensus, qdata);
    await checkVersionChange(kube, config.images, runtime.transactionManager, config.allowImageDowngrade);
    return { runningRaftMembers };
}

/** Generated keys live in a local folder: a destroy removes it unless keepChainData. */
function forgetKeysOnDestroy(network: QuorumNetwork, dir: string, keepChainData: boolean): void {
    new command.local.Command(
        "quorum-generated-keys",
        {
            delete: "bash scripts/forget-keys.sh",
            environment: { KEYS_DIR: dir, KEEP_CHAIN_DATA: String(keepChainData) },
        },
        { parent: network },
    );
}

interface Target {
    platform: Platform;
    ingressAddress?: string;
}

async function minikube(config: NetworkConfig): Promise<Target> {
    const ingressAddress = await preflight(config);
    const imageIds = config.loadImages ? await localImageIds(config) : {};
    const images = config.loadImages
        ? locallyBuiltImages(config).map((image): LocalImage => ({ name: image, localId: imageIds[image] ?? "absent" }))
        : [];
    const platform = new MinikubePlatform({
        profile: config.minikubeProfile,
        enableIngressAddon: config.enableIngressAddon,
        images,
        hostPathRoot: config.hostPathRoot,
        volumeSize: config.volumeSize,
        keepChainData: config.keepChainData,
        owner: `${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    return { platform, ingressAddress };
}

async function anyCluster(config: NetworkConfig, projectDir: string): Promise<Target> {
    await clusterPreflight(config);
    const platform = new ClusterPlatform({
        storageClassName: config.storageClassName,
        volumeSize: config.volumeSize,
        seedImage: config.images.quorum,
        imagePullPolicy: config.imagePullPolicy,
        projectDir,
    });
    return { platform };
}

async function prepareQdata(config: NetworkConfig): Promise<QdataFolder> {
    if (config.qdata.kind === "folder") {
        // A warning, not an error: the seed's own images (Quorum 2.5 and older) run such a folder.
        const warning = forkOrderWarning(config.qdata.dir, config.qdata.folder);
        if (warning) pulumi.log.warn(warning);
        return config.qdata.folder;
    }
    const { dir, password, chainId, gasLimit } = config.qdata;
    const { consensus, nodeCount } = config;
    await ensureGeneratedQdata({
        dir,
        nodeCount,
        password,
        chainId,
        gasLimit,
        consensus,
        onProgress: (line) => pulumi.log.info(line),
    });
    const problems: string[] = [];
    const folder = checkedQdataFolder(
        dir,
        nodeCount,
        { kind: consensus.kind, validators: validatorCount(consensus) },
        problems,
    );
    if (!folder) throw new ConfigError(problems);
    return folder;
}
