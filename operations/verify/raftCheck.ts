import { Check } from "./observe";

export function raftCheck(nodeCount: number): Check {
    return {
        name: `the Raft cluster has ${nodeCount} members and one leader`,
        async run(context) {
            for (const node of context.nodes) {
                await context.poll(async () => {
                    const members = await context.admin<unknown[]>(node, "raft_cluster");
                    if (members.length !== nodeCount)
                        throw new Error(`node ${node} counts ${members.length} Raft members`);
                    return true;
                }, context.gethLog());
            }
            const leaders = await context.poll(async () => {
                const roles = await Promise.all(context.nodes.map((node) => context.admin<string>(node, "raft_role")));
                const minters = roles.filter((role) => role === "minter").length;
                if (minters !== 1) throw new Error(`${minters} leaders (roles: ${roles.join(", ")})`);
                return minters;
            }, context.gethLog());
            return `${leaders} leader`;
        },
    };
}
