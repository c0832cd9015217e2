import { strict as assert } from "assert";
import {
    addressFromPrivateKey,
    curve25519PublicKey,
    enodeIdFromPrivateKey,
    keccak256Hex,
    parsePrivateKeyHex,
} from "../lib/keys/ethereum";
import { bootnodeEnode, nodeEnode } from "../lib/network/networkFiles";

const hex = (text: string) => Buffer.from(text, "hex");

describe("key derivations (known answers from published vectors)", () => {
    it("keccak-256 of '' and 'abc' (Keccak team / go-ethereum crypto tests)", () => {
        assert.equal(keccak256Hex(Buffer.alloc(0)), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assert.equal(
            keccak256Hex(Buffer.from("abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
        );
    });

    it("enode id of private key 1 is the secp256k1 generator point (SEC 2)", () => {
        const one = hex("0000000000000000000000000000000000000000000000000000000000000001");
        assert.equal(
            enodeIdFromPrivateKey(one),
            "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" +
                "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
        );
    });

    it("address from private key (go-ethereum crypto_test.go and the EIP-155 example)", () => {
        assert.equal(
            addressFromPrivateKey(hex("289c2857d4598e37fb9647507e47a309d6133539bf21a8b9cb6df88fd5232032")),
            "970e8128ab834e8eac17ab8e3812f010678cf791",
        );
        assert.equal(
            addressFromPrivateKey(hex("4646464646464646464646464646464646464646464646464646464646464646")),
            "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f",
        );
        assert.equal(
            addressFromPrivateKey(hex("0000000000000000000000000000000000000000000000000000000000000001")),
            "7e5f4552091a69125d5dfcb7b8c2659029395bdf",
        );
    });

    it("Curve25519 public key from private key (RFC 7748 section 6.1, as NaCl box uses it)", () => {
        const alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assert.equal(
            Buffer.from(curve25519PublicKey(alice)).toString("hex"),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        );
        const bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assert.equal(
            Buffer.from(curve25519PublicKey(bob)).toString("hex"),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        );
    });

    it("reads nodekey files as bootnode -genkey writes them, and refuses anything else", () => {
        const key = "289c2857d4598e37fb9647507e47a309d6133539bf21a8b9cb6df88fd5232032";
        assert.deepEqual(parsePrivateKeyHex(`${key}\n`), hex(key));
        assert.deepEqual(parsePrivateKeyHex(`0x${key}`), hex(key));
        assert.equal(parsePrivateKeyHex(key.slice(2)), undefined);
        assert.equal(parsePrivateKeyHex("0".repeat(64)), undefined, "zero is not a valid secp256k1 key");
        assert.equal(parsePrivateKeyHex("f".repeat(64)), undefined, "above the curve order");
    });

    it("formats enodes as geth's static-nodes.json and --bootnode expect them", () => {
        const id = "ab".repeat(64);
        assert.equal(
            nodeEnode({ enodeId: id, ip: "10.96.0.101" }, "raft"),
            `enode://${id}@10.96.0.101:30303?discport=0&raftport=50400`,
        );
        assert.equal(
            nodeEnode({ enodeId: id, ip: "10.96.0.101" }, "ibft"),
            `enode://${id}@10.96.0.101:30303?discport=0`,
        );
        assert.equal(bootnodeEnode(id, "10.96.0.100"), `enode://${id}@10.96.0.100:30301`);
    });
});
