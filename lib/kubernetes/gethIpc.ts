// JSON-RPC calls a node's HTTP RPC does not serve (raft, istanbul, admin): over geth's IPC socket,
// through `kubectl exec … geth attach`, which needs exec rights in the namespace rather than a
// network path to the node.
import { RpcCall, RpcRefusal } from "../httpRequest";
import { Kube } from "./kubectl";
import { GETH_IPC, inQdata } from "../model/paths";

/** geth's IPC endpoint in every node's quorum container (both runtimes: the datadir's default). */
const IPC_ENDPOINT = inQdata(GETH_IPC);

/** A JSON-RPC answer: a result, or the node's refusal. */
export interface RpcReply {
    result?: unknown;
    error?: { message: string };
}

/** A reply's hex quantity (a height, a peer count) as a number; undefined when it carries none. */
export function replyQuantity(reply?: RpcReply): number | undefined {
    return typeof reply?.result === "string" ? Number(BigInt(reply.result)) : undefined;
}

/** geth's refusal of a method it does not serve (upstream geth has no raft or istanbul API). */
export function isMissingMethod(reply: RpcReply): boolean {
    return reply.error !== undefined && /does not exist|not available|method not found/i.test(reply.error.message);
}

/** Long enough for a console's start on a busy node; a call that hangs past it is reported, not waited on forever. */
export const IPC_TIMEOUT_MS = 60_000;

/** The console's provider takes a whole JSON-RPC request (or batch) and answers the whole response. */
async function consoleSend(kube: Kube, pod: string, request: unknown, timeoutMs: number): Promise<unknown> {
    const script = `JSON.stringify(web3.currentProvider.send(${JSON.stringify(request)}))`;
    const printed = await kube.exec(pod, "quorum", ["geth", "attach", "--exec", script, IPC_ENDPOINT], timeoutMs);
    return JSON.parse(JSON.parse(printed.trim()) as string);
}

/** The node's own JSON-RPC through its IPC socket, as its console reaches it. */
export function ipcRpc(kube: Kube, pod: string, timeoutMs = IPC_TIMEOUT_MS): RpcCall {
    return async <T>(method: string, params: unknown[] = []): Promise<T> => {
        const reply = (await consoleSend(kube, pod, { jsonrpc: "2.0", id: 1, method, params }, timeoutMs)) as RpcReply;
        if (reply.error) throw new RpcRefusal(`${method}: ${reply.error.message}`);
        return reply.result as T;
    };
}

/** Several calls in one exec (one console, one batch request): each answered or refused on its own, in order. */
export async function ipcBatch(
    kube: Kube,
    pod: string,
    calls: { method: string; params?: unknown[] }[],
): Promise<RpcReply[]> {
    const request = calls.map(({ method, params = [] }, id) => ({ jsonrpc: "2.0", id, method, params }));
    const replies = (await consoleSend(kube, pod, request, IPC_TIMEOUT_MS)) as (RpcReply & { id: number })[];
    return calls.map((_, id) => replies.find((reply) => reply.id === id) ?? { error: { message: "no answer" } });
}
