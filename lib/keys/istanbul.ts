// The Istanbul BFT parts of a genesis: the fixed mixHash and the extraData that names the first
// validators, for legacy IBFT as istanbul-tools writes it for quorum-tools' setup.sh, and for QBFT
// as GoQuorum 22+ and Besu read it.
import { rlpDecode, rlpEncode, RlpItem } from "./rlp";

/** "Istanbul practical byzantine fault tolerance" digest every IBFT block carries. */
export const ISTANBUL_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const VANITY_BYTES = 32;
const ADDRESS = /^[0-9a-f]{40}$/;

/**
 * 32 zero bytes of vanity, then RLP of [validator addresses, empty seal, no committed seals].
 * Addresses are lower-case hex without 0x.
 */
export function istanbulExtraData(validators: string[]): string {
    for (const address of validators) if (!ADDRESS.test(address)) throw new Error(`not an address: ${address}`);
    const extra = rlpEncode([validators.map((address) => Buffer.from(address, "hex")), new Uint8Array(0), []]);
    return `0x${"00".repeat(VANITY_BYTES)}${Buffer.from(extra).toString("hex")}`;
}

/**
 * QBFT: RLP of [32-byte vanity, validator addresses, vote (none: empty list), round 0, no
 * committed seals]; unlike legacy IBFT the vanity is inside the RLP list.
 */
export function qbftExtraData(validators: string[]): string {
    for (const address of validators) if (!ADDRESS.test(address)) throw new Error(`not an address: ${address}`);
    const extra = rlpEncode([
        new Uint8Array(VANITY_BYTES),
        validators.map((address) => Buffer.from(address, "hex")),
        [],
        new Uint8Array(0),
        [],
    ]);
    return `0x${Buffer.from(extra).toString("hex")}`;
}

/** The validator addresses a QBFT extraData names (lower-case hex without 0x), or undefined if it is not QBFT's. */
export function qbftValidators(extraData: string): string[] | undefined {
    const hex = extraData.replace(/^0x/, "");
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return undefined;
    let decoded: RlpItem;
    try {
        decoded = rlpDecode(Buffer.from(hex, "hex"));
    } catch {
        return undefined;
    }
    if (
        !Array.isArray(decoded) ||
        decoded.length !== 5 ||
        !(decoded[0] instanceof Uint8Array) ||
        decoded[0].length !== VANITY_BYTES
    )
        return undefined;
    return addressList(decoded[1]);
}

function addressList(item: RlpItem): string[] | undefined {
    if (
        !Array.isArray(item) ||
        !item.every((entry): entry is Uint8Array => entry instanceof Uint8Array && entry.length === 20)
    )
        return undefined;
    return item.map((address) => Buffer.from(address).toString("hex"));
}

/** The validator addresses an extraData names (lower-case hex without 0x), or undefined if it is not Istanbul's. */
export function istanbulValidators(extraData: string): string[] | undefined {
    const hex = extraData.replace(/^0x/, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(hex) || hex.length <= VANITY_BYTES * 2) return undefined;
    let decoded: RlpItem;
    try {
        decoded = rlpDecode(Buffer.from(hex.slice(VANITY_BYTES * 2), "hex"));
    } catch {
        return undefined;
    }
    if (!Array.isArray(decoded) || decoded.length !== 3) return undefined;
    return addressList(decoded[0]);
}
