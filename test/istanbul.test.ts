import { strict as assert } from "assert";
import {
    ISTANBUL_MIX_HASH,
    istanbulExtraData,
    istanbulValidators,
    qbftExtraData,
    qbftValidators,
} from "../lib/keys/istanbul";
import { rlpDecode, rlpEncode } from "../lib/keys/rlp";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const text = (value: string) => Uint8Array.from(Buffer.from(value));
const VANITY = "00".repeat(32);

/** The encode/decode example of the istanbul-tools README: 4 validators and a 65-byte zero seal. */
const README_VALIDATORS = [
    "475cc98b5521ab2a1335683e7567c8048bfe79ed",
    "07d8299de61faed3686ba4c4e6c3b9083d7e2371",
    "4fe035ce99af680d89e2c4d73aca01dbfc1bd2fd",
    "dc421209441a754f79c4a4ecd2b49c935aad0312",
];
const README_EXTRA = `0x${VANITY}f89af854${README_VALIDATORS.map((a) => `94${a}`).join("")}b841${"00".repeat(65)}c0`;

describe("RLP (known answers from the yellow paper's rules, worked by hand)", () => {
    const cases: [string, Parameters<typeof rlpEncode>[0], string][] = [
        ["the empty string", new Uint8Array(0), "80"],
        ["a single byte below 0x80, as itself", Uint8Array.of(0x0f), "0f"],
        ["a single byte of 0x80 or more, with a prefix", Uint8Array.of(0x80), "8180"],
        ['"dog"', text("dog"), "83646f67"],
        ['["cat", "dog"]', [text("cat"), text("dog")], "c88363617483646f67"],
        ["the empty list", [], "c0"],
        ["the set-theoretic three, [ [], [[]], [ [], [[]] ] ]", [[], [[]], [[], [[]]]], "c7c0c1c0c3c0c1c0"],
        ["a 56-byte string, with a one-byte length", text("a".repeat(56)), `b838${"61".repeat(56)}`],
    ];
    for (const [what, item, expected] of cases) {
        it(`encodes ${what} as ${expected.length > 20 ? expected.slice(0, 20) + "…" : expected}`, () => {
            assert.equal(hex(rlpEncode(item)), expected);
            assert.equal(
                hex(rlpEncode(rlpDecode(Buffer.from(expected, "hex")))),
                expected,
                "decoding then encoding is not the identity",
            );
        });
    }

    it("refuses malformed input rather than guessing", () => {
        assert.throws(() => rlpDecode(Buffer.from("83646f", "hex")), /longer than the input/);
        assert.throws(() => rlpDecode(Buffer.from("83646f6767", "hex")), /after the item/);
        assert.throws(() => rlpDecode(Buffer.from("c28363", "hex")), /longer than the input|runs past/);
    });
});

describe("Istanbul extraData", () => {
    it("encodes one validator as vanity + d8 [d5 [94 address], 80 (no seal), c0 (no committed seals)]", () => {
        const address = "0123456789abcdef0123456789abcdef01234567";
        assert.equal(istanbulExtraData([address]), `0x${VANITY}d8d594${address}80c0`);
    });

    it("matches the istanbul-tools README example byte for byte (with its 65-byte seal)", () => {
        const encoded = rlpEncode([README_VALIDATORS.map((a) => Buffer.from(a, "hex")), new Uint8Array(65), []]);
        assert.equal(`0x${VANITY}${hex(encoded)}`, README_EXTRA);
    });

    it("reads the validators back, from ours and from the README's", () => {
        assert.deepEqual(istanbulValidators(README_EXTRA), README_VALIDATORS);
        assert.deepEqual(istanbulValidators(istanbulExtraData(README_VALIDATORS)), README_VALIDATORS);
    });

    it("finds no validators in extraData that is not Istanbul's", () => {
        assert.equal(istanbulValidators(`0x${VANITY}`), undefined, "vanity only (a Raft genesis)");
        assert.equal(istanbulValidators("0x"), undefined);
        assert.equal(istanbulValidators(`0x${VANITY}c3808080`), undefined, "first item is not a list of addresses");
        assert.equal(istanbulValidators(`0x${VANITY}zz`), undefined);
    });

    it("uses the Istanbul digest as mixHash", () => {
        assert.equal(Buffer.from(ISTANBUL_MIX_HASH.slice(2), "hex").toString(), "ctical byzantine fault tolerance");
    });
});

/** The genesis example of Besu's "Configure QBFT consensus" page (block header validator selection), also in GoQuorum's QBFT docs. */
const BESU_DOCS_QBFT_VALIDATORS = [
    "64a702e6263b7297a96638cac6ae65e6541f4169",
    "3923390ad55e90c237593b3b0e401f3b08a03185",
    "aefdb9a738c9f433e5b6b212a6d62f6370c2f692",
    "c7eeb9a4e00ce683cf93039b212648e01c6c6b78",
];
const BESU_DOCS_QBFT_EXTRA = `0xf87aa0${"00".repeat(32)}f854${BESU_DOCS_QBFT_VALIDATORS.map((a) => `94${a}`).join("")}c080c0`;

describe("QBFT extraData", () => {
    it("encodes one validator as RLP [a0 vanity, d5 [94 address], c0 (no vote), 80 (round 0), c0 (no seals)], worked by hand", () => {
        const address = "0123456789abcdef0123456789abcdef01234567";
        // Payload 33 (vanity) + 22 (one-address list) + 3 = 58 bytes: over 55, so the long-list prefix f8 3a.
        assert.equal(qbftExtraData([address]), `0xf83aa0${"00".repeat(32)}d594${address}c080c0`);
    });

    it("matches the Besu / GoQuorum documentation's four-validator genesis byte for byte", () => {
        assert.equal(qbftExtraData(BESU_DOCS_QBFT_VALIDATORS), BESU_DOCS_QBFT_EXTRA);
    });

    it("reads the validators back, and tells QBFT from legacy IBFT extraData", () => {
        assert.deepEqual(qbftValidators(BESU_DOCS_QBFT_EXTRA), BESU_DOCS_QBFT_VALIDATORS);
        assert.equal(qbftValidators(istanbulExtraData(BESU_DOCS_QBFT_VALIDATORS)), undefined);
        assert.equal(istanbulValidators(BESU_DOCS_QBFT_EXTRA), undefined);
        assert.equal(qbftValidators("0x"), undefined);
    });
});
