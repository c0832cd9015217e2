// The fork-order rule go-ethereum 1.9 and later (so GoQuorum 2.6 onwards) apply at `geth init`
// (params/config.go CheckConfigForkOrder): each mandatory fork that is set needs every earlier
// mandatory fork set, at a block no later. Older Quorum (2.5 and before) does not check it.
import { ForkOrderProblem } from "../model/qdata";

/** go-ethereum 1.10.3's list (GoQuorum 24.4.1 is built on it), in order; optional forks may be skipped. */
export const FORK_ORDER: readonly { name: string; optional: boolean }[] = [
    { name: "homesteadBlock", optional: false },
    { name: "daoForkBlock", optional: true },
    { name: "eip150Block", optional: false },
    { name: "eip155Block", optional: false },
    { name: "eip158Block", optional: false },
    { name: "byzantiumBlock", optional: false },
    { name: "constantinopleBlock", optional: false },
    { name: "petersburgBlock", optional: false },
    { name: "istanbulBlock", optional: false },
    { name: "muirGlacierBlock", optional: true },
    { name: "berlinBlock", optional: false },
];

/** The forks every genesis we write enables at block 0: the seed's (Byzantium) rules, in an order every Quorum accepts. */
export const GENESIS_FORKS = ["homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock"] as const;

/** The first break of the rule in a genesis `config` object, or undefined if every Quorum accepts it. */
export function forkOrderProblem(config: Record<string, unknown>): ForkOrderProblem | undefined {
    let last: { name: string; block: number | undefined } | undefined;
    for (const fork of FORK_ORDER) {
        const block = forkBlock(config[fork.name]);
        if (last && block !== undefined) {
            if (last.block === undefined) return { kind: "missing", missing: last.name, enabled: fork.name, at: block };
            if (last.block > block)
                return { kind: "later", earlier: last.name, earlierAt: last.block, enabled: fork.name, at: block };
        }
        if (!fork.optional || block !== undefined) last = { name: fork.name, block };
    }
    return undefined;
}

export function describeForkOrderProblem(problem: ForkOrderProblem): string {
    return problem.kind === "missing"
        ? `${problem.missing} not enabled, but ${problem.enabled} enabled at ${problem.at}`
        : `${problem.earlier} enabled at ${problem.earlierAt}, but ${problem.enabled} enabled at ${problem.at}`;
}

/**
 * The config with each missing mandatory fork enabled at the block of the next fork that is set,
 * in go-ethereum's order; other keys keep their place. Forks set at a later block than a following
 * one are left alone: which block was meant is the owner's call.
 */
export function withMissingForks(config: Record<string, unknown>): {
    config: Record<string, unknown>;
    added: string[];
} {
    const added = new Map<string, number>();
    let pending: string[] = [];
    for (const fork of FORK_ORDER) {
        const block = forkBlock(config[fork.name]);
        if (block === undefined) {
            if (!fork.optional) pending.push(fork.name);
            continue;
        }
        for (const name of pending) added.set(name, block);
        pending = [];
    }
    const repaired: Record<string, unknown> = {};
    const order = FORK_ORDER.map((fork) => fork.name);
    for (const [key, value] of Object.entries(config)) {
        // A missing fork goes just before the first set fork that follows it.
        for (const [name, block] of added)
            if (!(name in repaired) && order.indexOf(name) < order.indexOf(key)) repaired[name] = block;
        repaired[key] = value;
    }
    for (const [name, block] of added) if (!(name in repaired)) repaired[name] = block;
    return { config: repaired, added: [...added.keys()] };
}

function forkBlock(value: unknown): number | undefined {
    // geth reads fork blocks as JSON numbers only.
    return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
