import { nodePodName } from "../../lib/network/names";
import { TM_PUB } from "../../lib/model/layout";
import { inQdata } from "../../lib/model/paths";
import { Check, CheckFailed } from "./observe";

/**
 * Contract for the private-transaction check: its constructor stores 42 in slot 0; any call
 * returns slot 0. Hand-assembled: PUSH1 2a PUSH1 00 SSTORE, CODECOPY the 11-byte runtime
 * (PUSH1 00 SLOAD PUSH1 00 MSTORE PUSH1 20 PUSH1 00 RETURN) and return it.
 */
export const STORE_42_CONTRACT = "0x602a600055600b6011600039600b6000f3" + "60005460005260206000f3";
const FORTY_TWO = "0x" + "0".repeat(62) + "2a";

export const privateTransactionCheck: Check = {
    name: "a private transaction of nodes 1 and 2 is hidden from node 3",
    async run(context) {
        if (context.nodes.length < 3) return "skipped: needs 3 nodes";
        const manager = context.transactionManager;
        const lookAt = `kubectl ${context.ns} logs ${nodePodName(1)} -c ${manager}; the peers in its config`;
        const partyKey = (await context.kube.exec(nodePodName(2), manager, ["cat", inQdata(TM_PUB)])).trim();
        const [from] = await context.rpc<string[]>(1, "eth_accounts");
        const hash = await context.sendTransaction(
            context.rpcUrl(1),
            { from, data: STORE_42_CONTRACT, gas: "0x30000", privateFor: [partyKey] },
            lookAt,
        );
        const address = await context.poll(
            async () =>
                (await context.rpc<{ contractAddress: string } | null>(1, "eth_getTransactionReceipt", [hash]))
                    ?.contractAddress,
            lookAt,
        );
        for (const node of [1, 2]) {
            await context.poll(async () => {
                const value = await context.rpc<string>(node, "eth_call", [{ to: address, data: "0x" }, "latest"]);
                if (value !== FORTY_TWO) throw new Error(`node ${node} reads ${value}, not 42`);
                return true;
            }, lookAt);
        }
        const outsider = await context.rpc<string>(3, "eth_call", [{ to: address, data: "0x" }, "latest"]);
        if (outsider === FORTY_TWO)
            throw new CheckFailed(
                "node 3 reads the private state of nodes 1 and 2",
                "privateFor handling: tm.conf publickeys on node 3",
            );
        return `contract ${address}`;
    },
};
