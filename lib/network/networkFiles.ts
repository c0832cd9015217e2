// The files that name the network's addresses. quorum-tools writes its docker-compose IPs into
// them; in the cluster each node is reached at its own fixed Service clusterIP instead.
import { PORTS } from "./ports";

/** Where geth reads its peers, under a member's qdata folder. */
export const STATIC_NODES = "ethereum/static-nodes.json";
export const PERMISSIONED_NODES = "ethereum/permissioned-nodes.json";

/** Where each transaction manager reads its config, under a member's qdata folder. */
export const TRANSACTION_MANAGER_CONFIG_FILES = { constellation: "constellation/tm.conf", tessera: "tessera/tessera-config.json" } as const;
export type TransactionManagerKind = keyof typeof TRANSACTION_MANAGER_CONFIG_FILES;

/** Files rendered by the program (cluster addresses), laid over a node's copied qdata files. */
export interface NetworkFiles {
    /** static-nodes.json, also written as permissioned-nodes.json. */
    staticNodesJson: string;
    /** The transaction manager's config: constellation's tm.conf or Tessera's JSON. */
    transactionManager: { kind: TransactionManagerKind; config: string };
}

export type ConsensusName = "raft" | "ibft" | "qbft";

export interface NodeAddress {
    enodeId: string;
    ip: string;
}

/** Raft reads its peers' Raft port from the enode; IBFT has none. */
export function nodeEnode(node: NodeAddress, consensus: ConsensusName): string {
    const raftPort = consensus === "raft" ? `&raftport=${PORTS.raft}` : "";
    return `enode://${node.enodeId}@${node.ip}:${PORTS.p2p}?discport=0${raftPort}`;
}

export function bootnodeEnode(enodeId: string, ip: string): string {
    return `enode://${enodeId}@${ip}:${PORTS.bootnodeDiscovery}`;
}

/** static-nodes.json and permissioned-nodes.json: Raft ids follow this order, so it is the node order 1..N. */
export function staticNodesJson(nodes: NodeAddress[], consensus: ConsensusName): string {
    return JSON.stringify(nodes.map((node) => nodeEnode(node, consensus)), null, 2) + "\n";
}
