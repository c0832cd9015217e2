import { jsonRpc } from "../../lib/httpRequest";
import { NODE_SERVICE } from "../../lib/network/names";
import { PORTS } from "../../lib/network/ports";
import { Check, CheckFailed } from "./observe";

export const transactionCheck: Check = {
    name: "a transaction through the node Service is mined on every node",
    async run(context) {
        const service = await context.forward(`svc/${NODE_SERVICE}`, [PORTS.rpc]);
        const serviceUrl = `http://127.0.0.1:${service.ports.get(PORTS.rpc)}`;
        const timeout = context.options.checkTimeoutMs;
        const [from] = await jsonRpc<string[]>(serviceUrl, "eth_accounts", [], timeout);
        if (!from)
            throw new CheckFailed(
                "the node has no unlocked account",
                "ethereum/keystore and passwords.txt in the node's qdata",
            );
        const hash = await context.sendTransaction(serviceUrl, { from, to: from, value: "0x1" }, context.gethLog());
        const block = await context.poll(
            async () =>
                (
                    await jsonRpc<{ blockNumber: string } | null>(
                        serviceUrl,
                        "eth_getTransactionReceipt",
                        [hash],
                        timeout,
                    )
                )?.blockNumber,
            context.gethLog(),
        );
        for (const node of context.nodes) {
            await context.poll(async () => {
                const height = Number(await context.rpc<string>(node, "eth_blockNumber"));
                if (height < Number(block))
                    throw new Error(`node ${node} is at block ${height}, below ${Number(block)}`);
                return height;
            }, context.gethLog());
        }
        return `${hash.slice(0, 10)}… in block ${Number(block)}`;
    },
};
