// The seed's images, jpmorganchase/quorum and jpmorganchase/constellation, which the user builds
// from kaleido-io/quorum-tools (hence the runtime's name): the image's start.sh writes geth's
// command line; constellation reads tm.conf.
import { Consensus } from "../model/consensus";
import { TM_KEY, TM_PUB } from "../model/layout";
import { CONSTELLATION_SOCKET, CONSTELLATION_STORAGE, inQdata, SEED_GETH_LOG } from "../model/paths";
import { containerPort, PORTS, transactionManagerPort } from "../network/ports";
import { hardened } from "../network/security";
import {
    argsWithRaftJoin,
    Container,
    GETH_PROBES,
    gethPorts,
    nodeContainer,
    NodePodRequest,
    Runtime,
    startWithoutLeftOverSocket,
    upcheckProbes,
} from "./runtime";

const SOCKET = inQdata(CONSTELLATION_SOCKET);

export const quorumToolsRuntime: Runtime = {
    kind: "quorum-tools",
    // The key's value before the runtime was named for its images: what its members' volumes record.
    name: "kaleido",
    describedAs: "the seed's images",
    defaultQuorumImage: "jpmorganchase/quorum",
    imagesBuiltLocally: true,
    stackKeys: ["constellationImage", "constellationCpu", "constellationMemory"],
    // Its 2018 geth has neither QBFT nor go-ethereum's Prometheus exporter (no metrics, no monitoring keys).
    consensusKinds: ["raft", "ibft"],
    transactionManager: "constellation",
    // The image's start.sh writes geth's command line itself, --mine included.
    holdsSealing: false,
    // The images' own start scripts (a Node.js boot script in the quorum image) may write anywhere.
    nodePod: (request) => ({
        initContainers: [],
        containers: [
            hardened(quorumContainer(request), "writable"),
            hardened(constellationContainer(request), "writable"),
        ],
        ports: [...gethPorts(request.consensus), ...CONSTELLATION_PORTS],
    }),
    transactionManagerConfig: (ownIp, allIps) => ({ kind: "constellation", config: tmConf(ownIp, allIps) }),
    gethLogFile: inQdata(SEED_GETH_LOG),
};

/**
 * As the image's start.sh reads them with yargs: camel case --roundChangeTimer, or yargs drops it.
 * A Raft founder takes its id from static-nodes.json; a member that joined later its recorded one.
 */
function consensusArgs(consensus: Consensus, raftJoinId?: number): string[] {
    if (consensus.kind === "raft") return raftJoinId === undefined ? ["--raftInit"] : [`--raftID=${raftJoinId}`];
    return ["--ibft", `--blockperiod=${consensus.blockPeriod}`, `--roundChangeTimer=${consensus.roundChangeTimerMs}`];
}

function quorumContainer(request: NodePodRequest): Container {
    return nodeContainer(request, "quorum", "quorum", {
        // start.sh waits for constellation's tm.ipc, runs geth init once, then starts geth.
        args: argsWithRaftJoin(request, (raftJoinId) => [
            "start.sh",
            `--bootnode=${request.bootnodeEnode}`,
            ...consensusArgs(request.consensus, raftJoinId),
            "--networkid",
            String(request.networkId),
        ]),
        ports: gethPorts(request.consensus).map(containerPort),
        ...GETH_PROBES,
    });
}

const CONSTELLATION_PORTS = [transactionManagerPort("constellation")];

/** The image's own start.sh. */
const START_CONSTELLATION = startWithoutLeftOverSocket(SOCKET, "start.sh");

function constellationContainer(request: NodePodRequest): Container {
    return nodeContainer(request, "transactionManager", "constellation", {
        args: ["sh", "-c", START_CONSTELLATION],
        ports: CONSTELLATION_PORTS.map(containerPort),
        ...upcheckProbes(36),
    });
}

/** Constellation's tm.conf for the node at `ownIp`, peering with every node's constellation. */
export function tmConf(ownIp: string, allIps: string[]): string {
    const quote = (text: string) => JSON.stringify(text);
    const peers = allIps.map((ip) => quote(`http://${ip}:${PORTS.transactionManager}/`)).join(", ");
    return [
        `url = ${quote(`http://${ownIp}:${PORTS.transactionManager}/`)}`,
        `port = ${PORTS.transactionManager}`,
        `socket = ${quote(SOCKET)}`,
        `othernodes = [${peers}]`,
        `publickeys = [${quote(inQdata(TM_PUB))}]`,
        `privatekeys = [${quote(inQdata(TM_KEY))}]`,
        `storage = ${quote(`dir:${inQdata(CONSTELLATION_STORAGE)}`)}`,
        `verbosity = 2`,
        "",
    ].join("\n");
}
