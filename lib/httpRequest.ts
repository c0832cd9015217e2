// Minimal HTTP client: node:http, so the Host header can be set (ingress checks) and nothing leaves loopback unasked.
import * as http from "http";

export interface HttpResponse {
    status: number;
    body: string;
}

export function httpRequest(
    url: string,
    options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
        const request = http.request(
            url,
            { method: options.method ?? "GET", headers: options.headers, timeout: options.timeoutMs },
            (response) => {
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("end", () =>
                    resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
                );
            },
        );
        request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within ${options.timeoutMs} ms`)));
        request.on("error", reject);
        request.end(options.body);
    });
}

/** The node answered with a JSON-RPC error: it refused the call (unlike a call that got no answer). */
export class RpcRefusal extends Error {}

/** One JSON-RPC call to a node, however it is reached; throws an RpcRefusal with the node's error message when it returns one. */
export type RpcCall = <T>(method: string, params?: unknown[]) => Promise<T>;

/** A node's JSON-RPC over HTTP (a port-forward, or any RPC URL the caller can reach). */
export function httpRpc(url: string, timeoutMs: number): RpcCall {
    return <T>(method: string, params: unknown[] = []) => jsonRpc<T>(url, method, params, timeoutMs);
}

/** One JSON-RPC 2.0 call; throws with the node's error message when it returns one. */
export async function jsonRpc<T>(url: string, method: string, params: unknown[], timeoutMs: number): Promise<T> {
    const response = await httpRequest(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        timeoutMs,
    });
    const reply = JSON.parse(response.body) as { result?: T; error?: { message: string } };
    if (reply.error) throw new RpcRefusal(`${method}: ${reply.error.message}`);
    return reply.result as T;
}
