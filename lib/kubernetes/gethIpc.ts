// JSON-RPC calls a node's HTTP RPC does not serve (raft, istanbul, admin): over geth's IPC socket,
// through `kubectl exec … geth attach`, which needs exec rights in the namespace rather than a
// network path to the node.
import { RpcCall } from "../httpRequest";
import { Kube } from "./kubectl";

/** geth's IPC endpoint in every node's quorum container (both runtimes: the datadir's default). */
export const GETH_IPC = "/qdata/ethereum/geth.ipc";

/** The node's own JSON-RPC through its IPC socket, as its console reaches it. */
export function ipcRpc(kube: Kube, pod: string): RpcCall {
    return async <T>(method: string, params: unknown[] = []): Promise<T> => {
        // The console's provider takes a whole JSON-RPC request and answers the whole response.
        const script = `JSON.stringify(web3.currentProvider.send(${JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })}))`;
        const printed = await kube.exec(pod, "quorum", ["geth", "attach", "--exec", script, GETH_IPC]);
        const reply = JSON.parse(JSON.parse(printed.trim()) as string) as { result?: T; error?: { message: string } };
        if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
        return reply.result as T;
    };
}
