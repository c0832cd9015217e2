import * as pulumi from "@pulumi/pulumi";
import { NodeSummary, QuorumNetwork } from "../components/network";
import { ConfigError, loadConfig, NetworkConfig } from "./config";
import { ensureGeneratedQdata } from "./keygen";
import { localImageIds, preflight } from "./minikube";
import { QdataFolder, readQdataFolder } from "./qdata";

export interface StackOutputs {
    namespace: pulumi.Output<string>;
    racecourseUrl: string;
    minikubeIp: string;
    rpcEndpoint: string;
    wsEndpoint: string;
    bootnodeEnode: string;
    nodes: NodeSummary[];
}

/**
 * The stack program: validate config, make or read the qdata keys, check minikube, then declare
 * the network. Every check runs before the first resource is declared.
 */
export async function deployQuorumNetwork(projectDir: string, opts?: pulumi.ComponentResourceOptions): Promise<StackOutputs> {
    const config = await loadConfig(projectDir);
    const qdata = await prepareQdata(config);
    const minikubeIp = await preflight(config);
    const imageIds = config.loadImages ? await localImageIds(config) : {};
    const network = new QuorumNetwork("quorum", { config, qdata, minikubeIp, localImageIds: imageIds }, opts);
    return network.outputs;
}

export async function prepareQdata(config: NetworkConfig, log: (line: string) => void = (line) => pulumi.log.info(line)): Promise<QdataFolder> {
    if (config.qdata.kind === "folder") return config.qdata.folder;
    const { dir, password, chainId, gasLimit } = config.qdata;
    await ensureGeneratedQdata({ dir, nodeCount: config.nodeCount, password, chainId, gasLimit, onProgress: log });
    const problems: string[] = [];
    const folder = readQdataFolder(dir, config.nodeCount, problems);
    if (!folder) throw new ConfigError(problems);
    return folder;
}
