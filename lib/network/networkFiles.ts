// The three files that name the network's addresses. quorum-tools writes its docker-compose IPs
// into them; in the cluster each node is reached at its own fixed Service clusterIP instead.
import { PORTS } from "./ports";

/** Files rendered by the program (cluster addresses), laid over a node's copied qdata files. */
export interface NetworkFiles {
    staticNodesJson: string;
    tmConf: string;
}

export interface NodeAddress {
    enodeId: string;
    ip: string;
}

/** Raft reads its peers' Raft port from the enode; IBFT has none. */
export function nodeEnode(node: NodeAddress, consensus: "raft" | "ibft"): string {
    const raftPort = consensus === "raft" ? `&raftport=${PORTS.raft}` : "";
    return `enode://${node.enodeId}@${node.ip}:${PORTS.p2p}?discport=0${raftPort}`;
}

export function bootnodeEnode(enodeId: string, ip: string): string {
    return `enode://${enodeId}@${ip}:${PORTS.bootnodeDiscovery}`;
}

/** static-nodes.json and permissioned-nodes.json: Raft ids follow this order, so it is the node order 1..N. */
export function staticNodesJson(nodes: NodeAddress[], consensus: "raft" | "ibft"): string {
    return JSON.stringify(nodes.map((node) => nodeEnode(node, consensus)), null, 2) + "\n";
}

/** Constellation's tm.conf for the node at `ownIp`, peering with every node's constellation. */
export function tmConf(ownIp: string, allIps: string[]): string {
    const quote = (text: string) => JSON.stringify(text);
    const peers = allIps.map((ip) => quote(`http://${ip}:${PORTS.constellation}/`)).join(", ");
    return [
        `url = ${quote(`http://${ownIp}:${PORTS.constellation}/`)}`,
        `port = ${PORTS.constellation}`,
        `socket = "/qdata/constellation/tm.ipc"`,
        `othernodes = [${peers}]`,
        `publickeys = ["/qdata/constellation/tm.pub"]`,
        `privatekeys = ["/qdata/constellation/tm.key"]`,
        `storage = "dir:/qdata/constellation/storage"`,
        `verbosity = 2`,
        "",
    ].join("\n");
}
