import { Check, CheckFailed } from "./observe";

export function validatorsCheck(validators: number): Check {
    return {
        name: `every node counts the same ${validators} validators`,
        async run(context) {
            let first: string | undefined;
            for (const node of context.nodes) {
                await context.poll(async () => {
                    const set = (await context.admin<string[]>(node, "istanbul_getValidators"))
                        .map((address) => address.toLowerCase())
                        .sort();
                    if (set.length !== validators) throw new Error(`node ${node} counts ${set.length} validators`);
                    first ??= set.join();
                    if (set.join() !== first)
                        throw new CheckFailed(
                            `node ${node} has another validator set than node 1`,
                            "the genesis extraData on each node: every node must share one genesis.json",
                        );
                    return true;
                }, context.gethLog());
            }
            return `${validators} on ${context.nodes.length} nodes`;
        },
    };
}
