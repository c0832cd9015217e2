// gasLimit, the block gas limit a generated genesis.json carries, as geth reads it: a 64-bit hex
// quantity a block can hold a transaction under and geth accepts.

/** params.TxGas: the cheapest transaction. A block under it holds none, and a genesis 0 becomes geth's 4712388 (core/genesis.go). */
const CHEAPEST_TRANSACTION = 21_000n;
/** params.MaxGasLimit (2^63-1): geth refuses a header above it (consensus/misc gaslimit check). */
const GETH_MAXIMUM = 0x7fffffffffffffffn;

export function gasLimitProblem(text: string): string | undefined {
    if (!/^0x[0-9a-fA-F]{1,16}$/.test(text)) return `"${text}" must be a hex quantity such as 0x2FEFD800`;
    const value = BigInt(text);
    if (value >= CHEAPEST_TRANSACTION && value <= GETH_MAXIMUM) return undefined;
    const range =
        "from 0x5208 (21000, the gas of the cheapest transaction: a block under it holds none) to 0x7fffffffffffffff (geth's maximum)";
    return `${text} must be ${range}, such as 0x2FEFD800`;
}
