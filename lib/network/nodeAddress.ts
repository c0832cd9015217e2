// The address a node signs IBFT/QBFT blocks with, as GoQuorum derives it from its node key.
import { keccak256Hex } from "../keys/ethereum";

/** The enode URL's public key, lower-case hex without 0x (what raft_cluster lists as nodeId); undefined for what is no enode URL. */
export function enodePublicKey(enode: string): string | undefined {
    return /^enode:\/\/([0-9a-fA-F]{128})@/.exec(enode)?.[1].toLowerCase();
}

/** The last 20 bytes of keccak256 of the enode's public key; undefined for what is no enode URL. */
export function nodeAddress(enode: string): string | undefined {
    const publicKey = enodePublicKey(enode);
    return publicKey ? `0x${keccak256Hex(Buffer.from(publicKey, "hex")).slice(-40)}` : undefined;
}
