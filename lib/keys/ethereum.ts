// Key derivations used by geth and constellation, built on audited libraries (@noble/*).
import { secp256k1 } from "@noble/curves/secp256k1";
import { x25519 } from "@noble/curves/ed25519";
import { keccak_256 } from "@noble/hashes/sha3";

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export function keccak256Hex(data: Uint8Array): string {
    return Buffer.from(keccak_256(data)).toString("hex");
}

/** Parses a geth nodekey / private key file body: 64 hex chars, optional 0x, surrounding white space ignored. */
export function parsePrivateKeyHex(text: string): Uint8Array | undefined {
    const hex = text.trim().replace(/^0x/, "");
    if (!HEX_KEY.test(hex)) return undefined;
    const key = Buffer.from(hex, "hex");
    return secp256k1.utils.isValidSecretKey(key) ? key : undefined;
}

/** The enode id: the uncompressed secp256k1 public key without its 0x04 prefix, as 128 hex chars. */
export function enodeIdFromPrivateKey(privateKey: Uint8Array): string {
    return Buffer.from(secp256k1.getPublicKey(privateKey, false).subarray(1)).toString("hex");
}

/** The account address: the last 20 bytes of keccak-256 of the 64-byte public key, lower-case hex without 0x. */
export function addressFromPrivateKey(privateKey: Uint8Array): string {
    const publicKey = secp256k1.getPublicKey(privateKey, false).subarray(1);
    return keccak256Hex(publicKey).slice(24);
}

/** Constellation's NaCl box public key (Curve25519) for a 32-byte private key. */
export function curve25519PublicKey(privateKey: Uint8Array): Uint8Array {
    return x25519.getPublicKey(privateKey);
}

export function randomSecp256k1Key(): Uint8Array {
    return secp256k1.utils.randomSecretKey();
}
