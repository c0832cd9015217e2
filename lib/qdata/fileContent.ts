// What each key and chain file of a qdata folder must hold, checked before anything is copied or
// put in a Secret: by shape only. A message names the file and what it must be, never its bytes
// (they are keys; a file linked or copied in by mistake may be anyone's secret).
import { parsePrivateKeyHex } from "../keys/ethereum";
import { BOOTNODE_KEY, GENESIS, KEYSTORE_DIR, NODE_KEY, PASSWORDS, TM_KEY, TM_PUB } from "../model/layout";

export interface ContentRule {
    holds: (text: string) => boolean;
    /** What the file must be, after "must be". */
    expected: string;
}

/**
 * As geth's crypto.LoadECDSA reads a node key: 64 hex characters, then line ends only (no 0x, no
 * other trailing text), and a valid secp256k1 secret.
 */
function isNodeKey(text: string): boolean {
    return /^[0-9a-fA-F]{64}[\r\n]*$/.test(text) && parsePrivateKeyHex(text) !== undefined;
}

/** geth --password: the first line unlocks the account; one line, printable, a final newline allowed. */
function isPasswordLine(text: string): boolean {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a control character is what this refuses.
    return /^[^\u0000-\u001f\u007f]*\n?$/.test(text);
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isHex = (value: unknown) => typeof value === "string" && /^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0;

function isQuorumGenesis(value: unknown): boolean {
    return isRecord(value) && isRecord(value.alloc) && isRecord(value.config) && value.config.isQuorum === true;
}

/** Web3 Secret Storage v3 as geth decodes it (Go's JSON matches "crypto" in any case). */
function isKeystore(value: unknown): boolean {
    if (
        !isRecord(value) ||
        value.version !== 3 ||
        typeof value.address !== "string" ||
        !/^(0x)?[0-9a-fA-F]{40}$/.test(value.address)
    )
        return false;
    const cipher = value.crypto ?? value.Crypto;
    if (!isRecord(cipher) || !isRecord(cipher.cipherparams) || !isRecord(cipher.kdfparams)) return false;
    const kdf = cipher.kdf === "scrypt" || cipher.kdf === "pbkdf2";
    return (
        typeof cipher.cipher === "string" &&
        isHex(cipher.ciphertext) &&
        isHex(cipher.cipherparams.iv) &&
        kdf &&
        isHex(cipher.mac)
    );
}

function isBase64Key(text: string): boolean {
    return /^[A-Za-z0-9+/]{43}=$/.test(text) && Buffer.from(text, "base64").length === 32;
}

function isConstellationPrivateKey(value: unknown): boolean {
    return (
        isRecord(value) &&
        value.type === "unlocked" &&
        isRecord(value.data) &&
        typeof value.data.bytes === "string" &&
        isBase64Key(value.data.bytes)
    );
}

const NODE_KEY_RULE: ContentRule = { holds: isNodeKey, expected: "a secp256k1 private key as 64 hex characters" };

const RULES: Record<string, ContentRule> = {
    [BOOTNODE_KEY]: NODE_KEY_RULE,
    [NODE_KEY]: NODE_KEY_RULE,
    [PASSWORDS]: {
        holds: isPasswordLine,
        expected: "one line, the account's password, without control characters (a final newline is allowed)",
    },
    [GENESIS]: {
        holds: (text) => isQuorumGenesis(parseJson(text)),
        expected: "a genesis with config.isQuorum true and an alloc object",
    },
    [`${KEYSTORE_DIR}/`]: {
        holds: (text) => isKeystore(parseJson(text)),
        expected: "a Web3 Secret Storage (version 3) key file",
    },
    [TM_KEY]: {
        holds: (text) => isConstellationPrivateKey(parseJson(text)),
        expected: 'constellation JSON {"data":{"bytes":"<base64 32-byte key>"},"type":"unlocked"}',
    },
    [TM_PUB]: { holds: (text) => isBase64Key(text.trim()), expected: "a base64 Curve25519 public key (32 bytes)" },
};

/** The rule for a member's file (a keystore file by its folder); undefined for a file the layout adds without one. */
export function contentRuleOf(file: string): ContentRule | undefined {
    return RULES[file] ?? RULES[file.replace(/[^/]+$/, "")];
}
