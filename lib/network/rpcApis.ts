// What geth's RPC namespaces can do to a node: said by the preview's warnings and refused by the
// policy pack from this one table.

/** RPC namespaces that administer a node, unlock its accounts or steer its mining, with what each can do. */
export const POWERFUL_APIS: Readonly<Record<string, string>> = {
    admin: "adds and removes peers and stops the RPC",
    debug: "reads and traces any state and can slow the node down",
    personal: "unlocks accounts and signs with them",
    miner: "starts and stops block production",
};

export const isPowerfulApi = (api: string): boolean => Object.keys(POWERFUL_APIS).includes(api);
