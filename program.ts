import * as pulumi from "@pulumi/pulumi";
import { NetworkOutputs, QuorumNetwork } from "./components/network/network";
import { ConfigError, loadConfig, NetworkConfig } from "./lib/config/config";
import { ensureGeneratedQdata } from "./lib/keys/keygen";
import { localImageIds, preflight } from "./lib/minikube/checks";
import { consensusProblems, QdataFolder, readQdataFolder } from "./lib/keys/qdata";

/**
 * The stack program: validate config, check minikube, make or read the qdata keys, then declare
 * the network. Every check runs before the first resource is declared.
 */
export async function deployQuorumNetwork(projectDir: string, opts?: pulumi.ComponentResourceOptions): Promise<NetworkOutputs> {
    const config = await loadConfig(projectDir);
    const minikubeIp = await preflight(config);
    const qdata = await prepareQdata(config);
    const imageIds = config.loadImages ? await localImageIds(config) : {};
    const network = new QuorumNetwork("quorum", { config, qdata, minikubeIp, localImageIds: imageIds }, opts);
    return network.outputs;
}

async function prepareQdata(config: NetworkConfig): Promise<QdataFolder> {
    if (config.qdata.kind === "folder") return config.qdata.folder;
    const { dir, password, chainId, gasLimit } = config.qdata;
    const { consensus } = config;
    const genesis = consensus.kind === "ibft" ? { kind: consensus.kind, validators: consensus.validators } : consensus;
    await ensureGeneratedQdata({ dir, nodeCount: config.nodeCount, password, chainId, gasLimit, consensus: genesis, onProgress: (line) => pulumi.log.info(line) });
    const problems: string[] = [];
    const folder = readQdataFolder(dir, config.nodeCount, problems);
    if (folder) problems.push(...consensusProblems(dir, folder, consensus.kind, genesis.kind === "ibft" ? genesis.validators : 0));
    if (!folder || problems.length > 0) throw new ConfigError(problems);
    return folder;
}
