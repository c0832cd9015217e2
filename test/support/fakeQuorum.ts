// A fake Quorum network on loopback: per node a JSON-RPC server and a constellation upcheck
// server, sharing one chain, plus a racecourse server behind a fake ingress. Faults are options.
import * as http from "http";
import { AddressInfo } from "net";
import { keccak256Hex } from "../../lib/keys/ethereum";

export interface FakeQuorumFaults {
    peers?: number;
    leaders?: number;
    upcheckDownOn?: number;
    leakPrivateTo?: number;
    racecourseStatus?: number;
    /** IBFT: this node's validator set lacks one validator. */
    validatorMissingOn?: number;
    /** IBFT: seconds between block timestamps (1 unless set). */
    blockSeconds?: number;
    /** IBFT: a round change after this block: the next one comes 10 s later than its period. */
    roundChangeAfter?: number;
    /** The first this-many eth_sendTransaction calls are refused as real geth does before --unlock finishes. */
    unlockingFor?: number;
    /** Every eth_sendTransaction is refused with this message. */
    refuseTransactions?: string;
    /** raft_addPeer is refused with this message. */
    refuseAddPeer?: string;
    /** This node's chain trails the others' by `blocks`. */
    behind?: { node: number; blocks: number };
    /** Methods this node does not serve, refused as geth refuses an unknown one (upstream geth has no raft or istanbul API). */
    missingMethods?: string[];
    /** Transactions pending in every node's pool. */
    pending?: number;
    /** Unix seconds of block 0's timestamp (0 unless set). */
    chainStart?: number;
    /** IBFT: the chain stays where it is instead of growing on every eth_blockNumber. */
    stillChain?: boolean;
    /** Raft membership calls (add, addLearner, promoteToPeer, removePeer) take effect at once but answer this many ms late (GoQuorum's raft loop busy). */
    lateMembershipMs?: number;
    /** istanbul_propose is taken but no vote ever passes (validators that seal no block). */
    votesNeverPass?: boolean;
}

/** A Raft member as raft_cluster lists it. */
export interface RaftMember {
    raftId: number;
    nodeId: string;
    /** Added by raft_addLearner and not promoted yet: it counts toward no majority. */
    learner?: boolean;
}

/** A JSON-RPC error answer, as geth sends for a refused call. */
class RpcError extends Error {}

/** Node N's enode public key, and the address it signs BFT blocks with. */
export const fakePublicKey = (node: number) => node.toString(16).padStart(2, "0").repeat(64);
export const fakeNodeAddress = (node: number) =>
    `0x${keccak256Hex(Buffer.from(fakePublicKey(node), "hex")).slice(-40)}`;

const FORTY_TWO = "0x" + "0".repeat(62) + "2a";
const hex = (n: number) => `0x${n.toString(16)}`;

interface JsonRpcRequest {
    id: number;
    method: string;
    params?: unknown[];
}

interface Receipt {
    blockNumber: string;
    contractAddress?: string;
}

export class FakeQuorum {
    readonly rpcPorts: number[] = [];
    readonly upcheckPorts: number[] = [];
    racecoursePort = 0;
    /** Host headers the racecourse saw. */
    readonly racecourseHosts: string[] = [];
    private readonly servers: http.Server[] = [];
    private height = 10;
    private refusedWhileUnlocking = 0;
    /** eth_sendTransaction calls received, refused ones included. */
    sendCalls = 0;
    private readonly receipts = new Map<string, Receipt>();
    /** Contract address -> node indexes holding its private state. */
    private readonly privateState = new Map<string, Set<number>>();
    /** Set by useRaftMembers: the cluster raft_cluster lists and raft_addPeer/raft_removePeer change. */
    private raftMembers?: RaftMember[];
    private nextRaftId = 0;
    /** Raft membership calls, in order, as "add <nodeId>" / "learner <nodeId>" / "promote <id>" / "remove <id>". */
    readonly membershipCalls: string[] = [];
    /** Raft: the node that leads (its raft_role, raft_cluster's minter, raft_leader); unset, the first `leaders` nodes claim to. */
    raftLeaderNode?: number;
    /** IBFT: the validators' addresses, changed by votes; node N signs as fakeNodeAddress(N). */
    private validators: string[] = [];
    /** IBFT: each node's pending proposals (istanbul_propose), by address. */
    private readonly proposals = new Map<number, Map<string, boolean>>();
    /** istanbul_propose calls, in order, as "<node> <address> <true|false>". */
    readonly proposeCalls: string[] = [];
    /** Set by useNodeKeys: the nodes' real identities. */
    private nodeKeys?: { publicKey: string; signer: string }[];

    /** With `ibftValidators` > 0 an IBFT network, whose chain grows by a block on every eth_blockNumber. */
    constructor(
        readonly nodeCount: number,
        private readonly faults: FakeQuorumFaults = {},
        private readonly ibftValidators = 0,
    ) {
        this.validators = Array.from({ length: ibftValidators }, (_, i) => fakeNodeAddress(i + 1));
    }

    /** IBFT: the chain's validators are these (0x addresses) rather than fake nodes 1..V. */
    useValidators(addresses: string[]): void {
        this.validators = addresses.map((address) => address.toLowerCase());
    }

    /** Node N is the node of the Nth of these enode public keys (hex): admin_nodeInfo and its votes say so. */
    useNodeKeys(publicKeys: string[], signers: string[]): void {
        this.nodeKeys = publicKeys.map((key, i) => ({
            publicKey: key.toLowerCase(),
            signer: signers[i].toLowerCase(),
        }));
    }

    private publicKeyOf(node: number): string {
        return this.nodeKeys?.[node - 1]?.publicKey ?? fakePublicKey(node);
    }

    private signerOf(node: number): string {
        return this.nodeKeys?.[node - 1]?.signer ?? fakeNodeAddress(node);
    }

    get validatorSet(): string[] {
        return [...this.validators];
    }

    /** As GoQuorum tallies the votes the validators' blocks carry: more than half of them for one change applies it. */
    private propose(node: number, address: string, authorize: boolean): null {
        this.proposeCalls.push(`${node} ${address} ${authorize}`);
        const own = this.proposals.get(node) ?? new Map<string, boolean>();
        own.set(address, authorize);
        this.proposals.set(node, own);
        const inSet = this.validators.includes(address);
        if (inSet === authorize || this.faults.votesNeverPass) return null;
        const votes = [...this.proposals].filter(
            ([voter, pending]) => this.validators.includes(this.signerOf(voter)) && pending.get(address) === authorize,
        ).length;
        if (votes > this.validators.length / 2)
            this.validators = authorize
                ? [...this.validators, address]
                : this.validators.filter((validator) => validator !== address);
        return null;
    }

    /** istanbul_getSnapshot's tally: the validators' pending proposals stand for the votes their sealed blocks carry (none while votes never pass). */
    private tally(): Record<string, { authorize: boolean; votes: number }> {
        const tally: Record<string, { authorize: boolean; votes: number }> = {};
        if (this.faults.votesNeverPass) return tally;
        for (const [voter, pending] of this.proposals) {
            if (!this.validators.includes(this.signerOf(voter))) continue;
            for (const [address, authorize] of pending)
                tally[address] = { authorize, votes: (tally[address]?.votes ?? 0) + 1 };
        }
        return tally;
    }

    private timestampOf(block: number): number {
        const roundChange = this.faults.roundChangeAfter !== undefined && block > this.faults.roundChangeAfter ? 10 : 0;
        return (this.faults.chainStart ?? 0) + block * (this.faults.blockSeconds ?? 1) + roundChange;
    }

    /** A Raft cluster of these enode public keys (ids 1..N, as founders get them); Raft never reuses an id. */
    useRaftMembers(nodeIds: string[]): void {
        this.raftMembers = nodeIds.map((nodeId, i) => ({ raftId: i + 1, nodeId }));
        this.nextRaftId = nodeIds.length + 1;
    }

    get raftCluster(): RaftMember[] {
        return [...(this.raftMembers ?? [])];
    }

    tmPub(node: number): string {
        return Buffer.alloc(32, node).toString("base64");
    }

    async start(): Promise<void> {
        for (let node = 1; node <= this.nodeCount; node++) {
            this.rpcPorts.push(await this.listen((request, response) => this.rpc(node, request, response)));
            this.upcheckPorts.push(
                await this.listen((_request, response) => {
                    const down = this.faults.upcheckDownOn === node;
                    response.writeHead(down ? 500 : 200).end(down ? "" : "I'm up!");
                }),
            );
        }
        this.racecoursePort = await this.listen((request, response) => {
            this.racecourseHosts.push(request.headers.host ?? "");
            response.writeHead(this.faults.racecourseStatus ?? 200).end("<html>racecourse</html>");
        });
    }

    close(): void {
        for (const server of this.servers) server.close();
    }

    private listen(handler: http.RequestListener): Promise<number> {
        const server = http.createServer(handler);
        this.servers.push(server);
        return new Promise((resolve) =>
            server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
        );
    }

    private rpc(node: number, request: http.IncomingMessage, response: http.ServerResponse): void {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
            const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
            response.setHeader("content-type", "application/json");
            const calls = Array.isArray(parsed) ? parsed : [parsed];
            const replies = calls.map((call) => this.reply(node, call));
            const membership = ["raft_addPeer", "raft_addLearner", "raft_promoteToPeer", "raft_removePeer"];
            const late = calls.some((call) => membership.includes(call.method))
                ? (this.faults.lateMembershipMs ?? 0)
                : 0;
            setTimeout(() => response.end(JSON.stringify(Array.isArray(parsed) ? replies : replies[0])), late);
        });
    }

    /** One call of a request or batch, answered or refused as geth does. */
    private reply(node: number, { id, method, params }: JsonRpcRequest): unknown {
        if (this.faults.missingMethods?.includes(method))
            return {
                jsonrpc: "2.0",
                id,
                error: { code: -32601, message: `the method ${method} does not exist/is not available` },
            };
        try {
            return { jsonrpc: "2.0", id, result: this.answer(node, method, params ?? []) };
        } catch (error) {
            if (!(error instanceof RpcError)) throw error;
            return { jsonrpc: "2.0", id, error: { code: -32000, message: error.message } };
        }
    }

    private heightOf(node: number): number {
        return this.height - (this.faults.behind?.node === node ? this.faults.behind.blocks : 0);
    }

    /**
     * As GoQuorum's raft_cluster (raft/api.go): every member with its role; with no leader elected
     * every role is "" (without useRaftMembers: nodes 1..N, founders).
     */
    private clusterAnswer(): { raftId: number; nodeId: string; role: string; nodeActive: boolean }[] {
        const members =
            this.raftMembers ??
            Array.from({ length: this.nodeCount }, (_, i) => ({ raftId: i + 1, nodeId: this.publicKeyOf(i + 1) }));
        const leaders = this.faults.leaders ?? 1;
        const role = (member: RaftMember, i: number) => (leaders === 0 ? "" : this.clusterRole(member, i, leaders));
        return members.map((member, i) => ({
            raftId: member.raftId,
            nodeId: member.nodeId,
            role: role(member, i),
            nodeActive: true,
        }));
    }

    /** As raft/api.go:100-108: the leader's entry "minter", a learner's "learner", the others' "verifier". */
    private clusterRole(member: RaftMember, position: number, leaders: number): string {
        const leads =
            this.raftLeaderNode === undefined
                ? position < leaders
                : member.nodeId === this.publicKeyOf(this.raftLeaderNode);
        return leads ? "minter" : member.learner ? "learner" : "verifier";
    }

    /** As raft_role (raft/api.go:27-36, raft/handler.go:191-202): the node's own role. */
    private raftRoleOf(node: number): string {
        const leads =
            this.raftLeaderNode === undefined ? node <= (this.faults.leaders ?? 1) : node === this.raftLeaderNode;
        const learner = this.raftMembers?.some((member) => member.learner && member.nodeId === this.publicKeyOf(node));
        return leads ? "minter" : learner ? "learner" : "verifier";
    }

    /** As GoQuorum's raft_promoteToPeer (raft/handler.go:386-401): a learner votes from now on, caught up or not. */
    private promote(raftId: number): boolean {
        this.membershipCalls.push(`promote ${raftId}`);
        const member = this.raftMembers?.find((candidate) => candidate.raftId === raftId);
        if (!member?.learner) throw new RpcError(`${raftId} is not a learner. only learner can be promoted to peer`);
        delete member.learner;
        return true;
    }

    /** As GoQuorum's raft_addPeer and raft_addLearner: a new id for a new enode, a refusal for a member's. */
    private addPeer(enode: string, learner = false): number {
        const nodeId = /^enode:\/\/([0-9a-f]{128})@[\d.]+:\d+\?discport=0&raftport=\d+$/.exec(enode)?.[1];
        this.membershipCalls.push(`${learner ? "learner" : "add"} ${nodeId ?? enode}`);
        if (this.faults.refuseAddPeer) throw new RpcError(this.faults.refuseAddPeer);
        if (!nodeId) throw new RpcError(`invalid enode: ${enode}`);
        const members = this.raftMembers ?? [];
        const existing = members.find((member) => member.nodeId === nodeId);
        if (existing)
            throw new RpcError(`node with this enode has already been added to the cluster: ${existing.raftId}`);
        const raftId = this.nextRaftId++;
        this.raftMembers = [...members, { raftId, nodeId, ...(learner ? { learner } : {}) }];
        return raftId;
    }

    private answer(node: number, method: string, params: unknown[]): unknown {
        switch (method) {
            case "net_peerCount":
                return hex(this.faults.peers ?? this.nodeCount - 1);
            case "raft_cluster":
                return this.clusterAnswer();
            case "raft_addPeer":
                return this.addPeer(String(params[0]));
            case "raft_addLearner":
                return this.addPeer(String(params[0]), true);
            case "raft_promoteToPeer":
                return this.promote(Number(params[0]));
            case "raft_removePeer": {
                const raftId = Number(params[0]);
                this.membershipCalls.push(`remove ${raftId}`);
                if (!this.raftMembers?.some((member) => member.raftId === raftId))
                    throw new RpcError(`raft id ${raftId} is not a member`);
                this.raftMembers = this.raftMembers.filter((member) => member.raftId !== raftId);
                return null;
            }
            case "raft_role":
                return this.raftRoleOf(node);
            case "raft_leader":
                // GoQuorum answers the leader's node id, or refuses while none is elected.
                if ((this.faults.leaders ?? 1) === 0) throw new RpcError("no leader is currently elected");
                return this.publicKeyOf(this.raftLeaderNode ?? 1);
            case "eth_accounts":
                return [`0x${String(node).repeat(40)}`];
            case "eth_blockNumber":
                if (this.ibftValidators > 0 && !this.faults.stillChain) this.height++;
                return hex(this.heightOf(node));
            case "eth_getBlockByNumber": {
                const number = params[0] === "latest" ? this.heightOf(node) : Number(params[0]);
                return {
                    number: hex(number),
                    hash: `0x${keccak256Hex(Buffer.from(`block ${number}`)).padStart(64, "0")}`,
                    timestamp: hex(this.timestampOf(number)),
                };
            }
            case "istanbul_getValidators":
                return this.faults.validatorMissingOn === node ? this.validators.slice(1) : [...this.validators];
            case "istanbul_propose":
                return this.propose(node, String(params[0]).toLowerCase(), params[1] === true);
            case "istanbul_discard":
                this.proposals.get(node)?.delete(String(params[0]).toLowerCase());
                return null;
            case "istanbul_candidates":
                return Object.fromEntries(this.proposals.get(node) ?? []);
            case "istanbul_getSnapshot":
                return {
                    epoch: 30000,
                    number: this.heightOf(node),
                    validators: [...this.validators],
                    tally: this.tally(),
                };
            case "admin_nodeInfo":
                return { enode: `enode://${this.publicKeyOf(node)}@10.96.0.${100 + node}:30303` };
            case "txpool_status":
                return { pending: hex(this.faults.pending ?? 0), queued: "0x0" };
            case "eth_getTransactionReceipt":
                return this.receipts.get(params[0] as string) ?? null;
            case "eth_sendTransaction": {
                this.sendCalls++;
                if (this.faults.refuseTransactions) throw new RpcError(this.faults.refuseTransactions);
                if (this.refusedWhileUnlocking < (this.faults.unlockingFor ?? 0)) {
                    this.refusedWhileUnlocking++;
                    throw new RpcError("authentication needed: password or unlock");
                }
                const tx = params[0] as { privateFor?: string[] };
                const hash = `0x${(this.receipts.size + 1).toString(16).padStart(64, "0")}`;
                this.height++;
                const receipt: Receipt = { blockNumber: hex(this.height) };
                if (tx.privateFor) {
                    receipt.contractAddress = `0x${"c".repeat(39)}${this.receipts.size}`;
                    const parties = new Set([node]);
                    for (let other = 1; other <= this.nodeCount; other++)
                        if (tx.privateFor.includes(this.tmPub(other))) parties.add(other);
                    if (this.faults.leakPrivateTo) parties.add(this.faults.leakPrivateTo);
                    this.privateState.set(receipt.contractAddress, parties);
                }
                this.receipts.set(hash, receipt);
                return hash;
            }
            case "eth_call": {
                const { to } = params[0] as { to: string };
                return this.privateState.get(to)?.has(node) ? FORTY_TWO : "0x";
            }
            default:
                throw new Error(`fake quorum: unexpected ${method}`);
        }
    }
}
