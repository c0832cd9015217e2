// Today's pullable images, quorumengineering/quorum (GoQuorum, entrypoint geth) and
// quorumengineering/tessera: the program writes both command lines and Tessera's config, as
// Consensys' goquorum-node Helm chart does, but with our fixed addresses and bootnode.
import { BftConsensus, Consensus, CONSENSUS_KINDS } from "../model/consensus";
import { GENESIS, PASSWORDS } from "../model/layout";
import { CHAIN_DATA, GETH_DIR, inQdata, SEALING_HOLD } from "../model/paths";
import { NODE_SERVICE, nodeServiceName, serviceHostNames } from "../network/names";
import { containerPort, NAMED_PORTS, PORTS, transactionManagerPort } from "../network/ports";
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
import { TESSERA_CONFIG_PATH, TESSERA_SOCKET, tesseraConfig } from "./tesseraConfig";

export const goquorumRuntime: Runtime = {
    kind: "goquorum",
    name: "goquorum",
    describedAs: "GoQuorum and Tessera",
    // The last GoQuorum release (go-ethereum 1.10.3 inside).
    defaultQuorumImage: "quorumengineering/quorum:24.4.1",
    imagesBuiltLocally: false,
    // Tessera's; the geth flags the program writes; and the monitoring keys, as its geth exports metrics.
    stackKeys: [
        "tesseraImage",
        "tesseraCpu",
        "tesseraMemory",
        "raftBlockTime",
        "rpcApis",
        "rpcBrowserOrigins",
        "monitoring",
        "serviceMonitorLabels",
        "grafanaDashboard",
        "metricsScrapers",
    ],
    consensusKinds: CONSENSUS_KINDS,
    transactionManager: "tessera",
    holdsSealing: true,
    metrics: {
        geth: { port: NAMED_PORTS.metrics, path: "/debug/metrics/prometheus" },
        transactionManager: { port: transactionManagerPort("tessera"), path: "/metrics" },
    },
    // geth and Tessera write only under /qdata and /tmp.
    nodePod: (request) => ({
        initContainers: [hardened(gethInitContainer(request), "read-only")],
        containers: [hardened(gethContainer(request), "read-only"), hardened(tesseraContainer(request), "read-only")],
        ports: [...gethPorts(request.consensus, request.exportMetrics), ...TESSERA_PORTS],
    }),
    transactionManagerConfig: (ownIp, allIps) => ({ kind: "tessera", config: tesseraConfig(ownIp, allIps) }),
};

const DATADIR = inQdata(GETH_DIR);
const TESSERA_WAIT_TRIES = 150;
/** Tessera's Jetty connector deletes its Q2T socket only on a clean stop. */
const START_TESSERA = startWithoutLeftOverSocket(TESSERA_SOCKET, '/tessera/bin/tessera "$@"');

/** Writes the genesis block once; a restarted pod keeps its chain. */
const GETH_INIT = `test -d ${inQdata(CHAIN_DATA)} || exec geth --datadir ${DATADIR} init ${inQdata(GENESIS)}`;

/**
 * geth must not start before Tessera answers: it connects to the Q2T socket at start. A Tessera
 * that never answers fails the container after 5 minutes, visibly, instead of a wait forever.
 */
const WAIT_FOR_TESSERA =
    `tries=0; until [ -S ${TESSERA_SOCKET} ] && wget -q -O /dev/null http://127.0.0.1:${PORTS.transactionManager}/upcheck; do ` +
    `if [ "$tries" -ge ${TESSERA_WAIT_TRIES} ]; then echo "tessera did not answer its upcheck within ${TESSERA_WAIT_TRIES * 2} s" >&2; exit 1; fi; ` +
    `tries=$((tries + 1)); echo "waiting for tessera"; sleep 2; done; `;

/**
 * A restored node starts without --mine (and its thread count) while the restore's hold marker is
 * on its volume: it syncs, but takes no part in consensus, until the restore sees every node at the
 * backup's highest head, removes the marker and starts its miner (operations/restore/release.ts).
 */
const START_GETH =
    `if [ -e ${inQdata(SEALING_HOLD)} ]; then echo "sealing held: a restore waits for every node to hold one chain"; skip=0; ` +
    `for arg do shift; if [ "$skip" = 1 ]; then skip=0; elif [ "$arg" = --miner.threads ]; then skip=1; elif [ "$arg" != --mine ]; then set -- "$@" "$arg"; fi; done; fi; ` +
    `exec geth "$@"`;

function gethInitContainer(request: NodePodRequest): Container {
    return nodeContainer(request, "quorum", "geth-init", {
        command: ["sh", "-c", GETH_INIT],
    });
}

/**
 * Legacy IBFT reads its timing from flags (config.istanbul has none); QBFT from its genesis block.
 * A Raft member that joined a running network starts with the id raft_addPeer gave it.
 */
function consensusFlags(consensus: Consensus, raftBlockTimeMs: number, raftJoinId?: number): string[] {
    if (consensus.kind === "raft") {
        const join = raftJoinId === undefined ? [] : ["--raftjoinexisting", String(raftJoinId)];
        return ["--raft", "--raftport", String(PORTS.raft), "--raftblocktime", String(raftBlockTimeMs), ...join];
    }
    // Every node mines: GoQuorum's istanbul Seal refuses while the node is not in the block's
    // validator set (errUnauthorized, nothing sealed), so a node voted in seals without a restart.
    const timing = consensus.kind === "ibft" ? ibftTimingFlags(consensus) : [];
    return [...timing, "--mine", "--miner.threads", "1"];
}

function ibftTimingFlags(consensus: BftConsensus): string[] {
    return [
        "--istanbul.blockperiod",
        String(consensus.blockPeriod),
        "--istanbul.requesttimeout",
        String(consensus.roundChangeTimerMs),
    ];
}

/**
 * geth's stand-alone metrics server rather than --pprof's: the same /debug/metrics/prometheus, but
 * not the profiling endpoints that --pprof.addr 0.0.0.0 would open to whoever may scrape.
 */
const METRICS_FLAGS = ["--metrics", "--metrics.addr", "0.0.0.0", "--metrics.port", String(PORTS.metrics)];

/**
 * HTTP and WS RPC on every address, for the Services, but no door for a web page: geth answers
 * requests by IP and by the Services' in-cluster names only (a page elsewhere cannot rebind a name
 * of its own onto a port-forward), and lets only rpcBrowserOrigins' pages call it (geth's own
 * default for WS: http://localhost).
 */
function rpcFlags(request: NodePodRequest): string[] {
    const api = request.rpcApis.join(",");
    const hosts = [
        "localhost",
        ...[NODE_SERVICE, nodeServiceName(request.index)].flatMap((service) =>
            serviceHostNames(service, request.networkNamespace),
        ),
    ];
    const origins = request.rpcBrowserOrigins.join(",");
    return [
        "--http",
        "--http.addr",
        "0.0.0.0",
        "--http.port",
        String(PORTS.rpc),
        "--http.api",
        api,
        "--http.vhosts",
        hosts.join(","),
        ...(origins ? ["--http.corsdomain", origins] : []),
        "--ws",
        "--ws.addr",
        "0.0.0.0",
        "--ws.port",
        String(PORTS.ws),
        "--ws.api",
        api,
        ...(origins ? ["--ws.origins", origins] : []),
    ];
}

export function gethArgs(request: NodePodRequest, raftJoinId?: number): string[] {
    return [
        "--datadir",
        DATADIR,
        "--networkid",
        String(request.networkId),
        "--port",
        String(PORTS.p2p),
        "--bootnodes",
        request.bootnodeEnode,
        "--nat",
        `extip:${request.clusterIp}`,
        "--permissioned",
        "--syncmode",
        "full",
        "--verbosity",
        "3",
        ...rpcFlags(request),
        "--unlock",
        "0",
        "--allow-insecure-unlock",
        "--password",
        inQdata(PASSWORDS),
        ...consensusFlags(request.consensus, request.raftBlockTimeMs, raftJoinId),
        ...(request.exportMetrics ? METRICS_FLAGS : []),
    ];
}

function gethContainer(request: NodePodRequest): Container {
    return nodeContainer(request, "quorum", "quorum", {
        // $0 is "geth"; the program's flags follow as "$@".
        command: ["sh", "-c", WAIT_FOR_TESSERA + START_GETH, "geth"],
        args: argsWithRaftJoin(request, (raftJoinId) => gethArgs(request, raftJoinId)),
        // HOME on the scratch /tmp: `geth attach` (the program's administration) makes ~/.ethereum
        // for its console, which the read-only root would refuse.
        env: [
            { name: "PRIVATE_CONFIG", value: TESSERA_SOCKET },
            { name: "HOME", value: "/tmp" },
        ],
        ports: gethPorts(request.consensus, request.exportMetrics).map(containerPort),
        ...GETH_PROBES,
    });
}

const TESSERA_PORTS = [transactionManagerPort("tessera"), NAMED_PORTS.tesseraThirdParty];

function tesseraContainer(request: NodePodRequest): Container {
    return nodeContainer(request, "transactionManager", "tessera", {
        // $0 is "tessera"; its own arguments follow as "$@".
        command: ["sh", "-c", START_TESSERA, "tessera"],
        args: ["-configfile", TESSERA_CONFIG_PATH],
        // The JVM sizes its heap from the container's limit, not the machine's memory.
        env: [{ name: "JAVA_OPTS", value: "-XX:MaxRAMPercentage=75" }],
        ports: TESSERA_PORTS.map(containerPort),
        ...upcheckProbes(60),
    });
}
