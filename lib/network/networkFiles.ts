// The files that name the network's addresses. quorum-tools writes its docker-compose IPs into
// them; in the cluster each node is reached at its own fixed Service clusterIP instead.
import { ConsensusKind } from "../model/consensus";
import {
    PERMISSIONED_NODES,
    RUNTIME_FILE,
    STATIC_NODES,
    TRANSACTION_MANAGER_CONFIG_FILES,
    TransactionManagerKind,
} from "../model/layout";
import { PORTS } from "./ports";

/** Files rendered by the program (cluster addresses), laid over a node's copied qdata files. */
export interface NetworkFiles {
    /** static-nodes.json, also written as permissioned-nodes.json. */
    staticNodesJson: string;
    /** The transaction manager's config: constellation's tm.conf or Tessera's JSON. */
    transactionManager: { kind: TransactionManagerKind; config: string };
}

export interface NodeAddress {
    enodeId: string;
    ip: string;
}

/** Raft reads its peers' Raft port from the enode; IBFT has none. */
export function nodeEnode(node: NodeAddress, consensus: ConsensusKind): string {
    const raftPort = consensus === "raft" ? `&raftport=${PORTS.raft}` : "";
    return `enode://${node.enodeId}@${node.ip}:${PORTS.p2p}?discport=0${raftPort}`;
}

export function bootnodeEnode(enodeId: string, ip: string): string {
    return `enode://${enodeId}@${ip}:${PORTS.bootnodeDiscovery}`;
}

/** static-nodes.json and permissioned-nodes.json: Raft ids follow this order, so it is the node order 1..N. */
export function staticNodesJson(nodes: NodeAddress[], consensus: ConsensusKind): string {
    return (
        JSON.stringify(
            nodes.map((node) => nodeEnode(node, consensus)),
            null,
            2,
        ) + "\n"
    );
}

/** What the program writes into a member's folder, by path: a node's runtime record and peer list. */
export function renderedFiles(networkFiles?: NetworkFiles, runtimeName?: string): Record<string, string> {
    return {
        ...(runtimeName ? { [RUNTIME_FILE]: `${runtimeName}\n` } : {}),
        ...(networkFiles
            ? {
                  [STATIC_NODES]: networkFiles.staticNodesJson,
                  [PERMISSIONED_NODES]: networkFiles.staticNodesJson,
                  [TRANSACTION_MANAGER_CONFIG_FILES[networkFiles.transactionManager.kind]]:
                      networkFiles.transactionManager.config,
              }
            : {}),
    };
}
