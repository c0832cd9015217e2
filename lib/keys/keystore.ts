// Web3 Secret Storage v3 (scrypt + aes-128-ctr + keccak-256 MAC), as geth reads it.
import * as crypto from "crypto";
import { keccak_256 } from "@noble/hashes/sha3";
import { addressFromPrivateKey } from "./ethereum";

/** geth's standard scrypt cost; tests may pass a smaller one to stay fast. */
export const STANDARD_SCRYPT_N = 262144;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const DKLEN = 32;

export interface KeystoreV3 {
    address: string;
    crypto: {
        cipher: "aes-128-ctr";
        ciphertext: string;
        cipherparams: { iv: string };
        kdf: "scrypt";
        kdfparams: { dklen: number; n: number; p: number; r: number; salt: string };
        mac: string;
    };
    id: string;
    version: 3;
}

/** Asynchronous, so several keys derive in parallel on libuv's thread pool. */
function deriveKey(password: string, salt: Buffer, n: number, r: number, p: number, dklen: number): Promise<Buffer> {
    // scrypt needs 128 * n * r bytes; leave headroom above Node's 32 MiB default.
    const options = { N: n, r, p, maxmem: 256 * n * r + 2 ** 20 };
    return new Promise((resolve, reject) =>
        crypto.scrypt(Buffer.from(password.normalize("NFKC"), "utf8"), salt, dklen, options, (error, key) =>
            error ? reject(error) : resolve(key),
        ),
    );
}

function mac(derivedKey: Buffer, ciphertext: Buffer): string {
    return Buffer.from(keccak_256(Buffer.concat([derivedKey.subarray(16, 32), ciphertext]))).toString("hex");
}

export async function encryptKeystore(
    privateKey: Uint8Array,
    password: string,
    n: number = STANDARD_SCRYPT_N,
): Promise<KeystoreV3> {
    const salt = crypto.randomBytes(32);
    const iv = crypto.randomBytes(16);
    const derivedKey = await deriveKey(password, salt, n, SCRYPT_R, SCRYPT_P, DKLEN);
    const cipher = crypto.createCipheriv("aes-128-ctr", derivedKey.subarray(0, 16), iv);
    const ciphertext = Buffer.concat([cipher.update(privateKey), cipher.final()]);
    return {
        address: addressFromPrivateKey(privateKey),
        crypto: {
            cipher: "aes-128-ctr",
            ciphertext: ciphertext.toString("hex"),
            cipherparams: { iv: iv.toString("hex") },
            kdf: "scrypt",
            kdfparams: { dklen: DKLEN, n, p: SCRYPT_P, r: SCRYPT_R, salt: salt.toString("hex") },
            mac: mac(derivedKey, ciphertext),
        },
        id: crypto.randomUUID(),
        version: 3,
    };
}

/** Returns the private key, or throws (without echoing any key material) when the password is wrong. */
export async function decryptKeystore(keystore: KeystoreV3, password: string): Promise<Uint8Array> {
    const { kdfparams, ciphertext, cipherparams } = keystore.crypto;
    const derivedKey = await deriveKey(
        password,
        Buffer.from(kdfparams.salt, "hex"),
        kdfparams.n,
        kdfparams.r,
        kdfparams.p,
        kdfparams.dklen,
    );
    const cipherBytes = Buffer.from(ciphertext, "hex");
    if (mac(derivedKey, cipherBytes) !== keystore.crypto.mac)
        throw new Error(`keystore for ${keystore.address}: password does not match`);
    const decipher = crypto.createDecipheriv(
        "aes-128-ctr",
        derivedKey.subarray(0, 16),
        Buffer.from(cipherparams.iv, "hex"),
    );
    return Buffer.concat([decipher.update(cipherBytes), decipher.final()]);
}

/** geth's file name: UTC--<ISO time with '-' for ':'>--<address>. */
export function keystoreFileName(keystore: KeystoreV3, at: Date): string {
    return `UTC--${at.toISOString().replace(/:/g, "-")}--${keystore.address}`;
}
