import { httpRequest } from "../../lib/httpRequest";
import { nodePodName } from "../../lib/network/names";
import { PORTS } from "../../lib/network/ports";
import { Check } from "./observe";

/** Also forwards each node's RPC, which the later checks use. */
export const upcheckCheck: Check = {
    name: "each transaction manager answers its upcheck",
    async run(context) {
        for (const node of context.nodes) {
            const forward = await context.forward(`pod/${nodePodName(node)}`, [PORTS.rpc, PORTS.transactionManager]);
            context.setRpcUrl(node, `http://127.0.0.1:${forward.ports.get(PORTS.rpc)}`);
            const upcheck = `http://127.0.0.1:${forward.ports.get(PORTS.transactionManager)}/upcheck`;
            await context.poll(
                async () => {
                    const response = await httpRequest(upcheck, { timeoutMs: context.options.checkTimeoutMs });
                    if (!response.body.includes("I'm up!"))
                        throw new Error(`node ${node} upcheck answered ${response.status}`);
                    return true;
                },
                `kubectl ${context.ns} logs ${nodePodName(node)} -c ${context.transactionManager}; its config under /qdata on the node`,
            );
        }
        return `${context.nodes.length} of ${context.nodes.length}`;
    },
};
