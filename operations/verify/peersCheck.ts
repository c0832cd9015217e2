import { Check } from "./observe";

export function peersCheck(nodeCount: number): Check {
    return {
        name: `every node sees the others (${nodeCount - 1} peers)`,
        async run(context) {
            for (const node of context.nodes) {
                await context.poll(async () => {
                    const peers = Number(await context.rpc<string>(node, "net_peerCount"));
                    if (peers !== nodeCount - 1) throw new Error(`node ${node} has ${peers} peers`);
                    return peers;
                }, `static-nodes.json and the node Services (kubectl ${context.ns} get svc); ${context.gethLog()}`);
            }
            return "all connected";
        },
    };
}
