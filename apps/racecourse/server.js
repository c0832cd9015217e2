// The racecourse: a page that shows the network live (each node's height and peers, the latest
// blocks) and sends a transaction a visitor can watch being mined on every node. Plain Node.js
// (22 or later, for its built-in fetch), no dependencies: it runs from a ConfigMap on the stock
// Node.js image. It talks only to the network's JSON-RPC: node-service and each node's Service.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const PORT = Number(process.env.PORT || 3000);
const RPC_URL = process.env.QUORUM_RPC_URL;
/** Each node's own RPC, node 1 first: heights and receipts are read per node, not through the balancer. */
const NODE_URLS = (process.env.QUORUM_NODE_RPC_URLS || "").split(",").filter(Boolean);
const RPC_TIMEOUT_MS = 3000;
const LATEST_BLOCKS = 6;
const TRANSACTION_HASH = /^0x[0-9a-fA-F]{64}$/;
const PAGE = fs.readFileSync(path.join(__dirname, "index.html"));

if (!RPC_URL || NODE_URLS.length === 0) {
    console.error("racecourse: QUORUM_RPC_URL and QUORUM_NODE_RPC_URLS must be set");
    process.exit(2);
}

async function rpc(url, method, params = []) {
    const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    const body = await response.json();
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
}

const nodeName = (i) => `node-${i + 1}`;
const quantity = (hex) => Number.parseInt(hex, 16);

async function nodeView(url, i) {
    try {
        const [height, peers] = await Promise.all([rpc(url, "eth_blockNumber"), rpc(url, "net_peerCount")]);
        return { name: nodeName(i), height: quantity(height), peers: quantity(peers) };
    } catch (error) {
        return { name: nodeName(i), error: error.message };
    }
}

async function latestBlocks() {
    const head = quantity(await rpc(RPC_URL, "eth_blockNumber"));
    const numbers = Array.from({ length: Math.min(LATEST_BLOCKS, head + 1) }, (_, i) => head - i);
    const blocks = await Promise.all(numbers.map((n) => rpc(RPC_URL, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false])));
    return blocks.filter(Boolean).map((block) => ({ number: quantity(block.number), hash: block.hash, transactions: block.transactions.length, miner: block.miner }));
}

async function network() {
    const [chainId, nodes, blocks] = await Promise.all([rpc(RPC_URL, "eth_chainId").then(quantity), Promise.all(NODE_URLS.map(nodeView)), latestBlocks()]);
    return { chainId, nodes, blocks };
}

/** A zero-value transfer from node 1's unlocked account to itself: it costs nothing and shows the chain working. */
async function sendTransaction() {
    const [from] = await rpc(NODE_URLS[0], "eth_accounts");
    if (!from) throw new Error("node 1 has no account to send from");
    const hash = await rpc(NODE_URLS[0], "eth_sendTransaction", [{ from, to: from, value: "0x0" }]);
    return { hash, from };
}

async function transactionOnEachNode(hash) {
    const nodes = await Promise.all(
        NODE_URLS.map(async (url, i) => {
            try {
                const receipt = await rpc(url, "eth_getTransactionReceipt", [hash]);
                return { name: nodeName(i), blockNumber: receipt ? quantity(receipt.blockNumber) : null };
            } catch (error) {
                return { name: nodeName(i), error: error.message };
            }
        }),
    );
    return { hash, nodes };
}

/** The host a request's Origin names (scheme http or https), as URL writes it: lower case, no default port. */
function originHost(origin) {
    try {
        const url = new URL(origin);
        return url.protocol === "http:" || url.protocol === "https:" ? url.host : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Whether a request comes from the racecourse's own page. Node 1's account is unlocked, and a page
 * of another site can make a visitor's browser POST here (a form, or a fetch that needs no CORS
 * preflight). Browsers say where a request comes from: Sec-Fetch-Site, and an Origin on every POST,
 * which must name the very host the request was sent to (behind the Ingress or a port-forward alike).
 */
function fromOwnPage(request) {
    const site = request.headers["sec-fetch-site"];
    const origin = request.headers.origin;
    if (site !== undefined && site !== "same-origin") return false;
    if (origin === undefined) return site === "same-origin";
    const host = originHost(`http://${request.headers.host ?? ""}`);
    return host !== undefined && host !== "" && originHost(origin) === host;
}

const NOT_FROM_OWN_PAGE = "a transaction is sent only from the racecourse's own page: this request came from another site, or said from none (no Origin)";

function reply(response, status, body) {
    response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
}

async function route(request, response) {
    const { pathname } = new URL(request.url, "http://racecourse");
    if (request.method === "GET" && pathname === "/") {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'" });
        return response.end(PAGE);
    }
    if (request.method === "GET" && pathname === "/api/network") return reply(response, 200, await network());
    if (request.method === "POST" && pathname === "/api/transactions") {
        if (!fromOwnPage(request)) return reply(response, 403, { error: NOT_FROM_OWN_PAGE });
        return reply(response, 201, await sendTransaction());
    }
    const hash = /^\/api\/transactions\/([^/]+)$/.exec(pathname)?.[1];
    if (request.method === "GET" && hash !== undefined) {
        if (!TRANSACTION_HASH.test(hash)) return reply(response, 400, { error: "a transaction hash is 0x and 64 hex digits" });
        return reply(response, 200, await transactionOnEachNode(hash));
    }
    reply(response, 404, { error: "not found" });
}

const server = http.createServer((request, response) => {
    route(request, response).catch((error) => reply(response, 502, { error: error.message }));
});
server.listen(PORT, () => console.log(`racecourse: listening on ${server.address().port}; network RPC ${RPC_URL}, ${NODE_URLS.length} nodes`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
