// A temporary project folder holding generated keys (fast scrypt cost) for program runs.
import * as fs from "fs";
import * as path from "path";
import { Consensus } from "../../lib/model/consensus";
import { ensureGeneratedQdata } from "../../lib/qdata/generate";
import { tempDir } from "./tempDir";

export const TEST_SCRYPT_N = 1024;

/** An IBFT or QBFT consensus of `validators` with the default timing. */
export function bft(kind: "ibft" | "qbft", validators: number): Consensus {
    return { kind, validators, blockPeriod: 1, roundChangeTimerMs: 11_000 };
}

export function makeProjectDir(): string {
    return tempDir("project");
}

/** Pre-generates .keys/<stack> the way the program would, with a cheap scrypt cost. */
export async function pregenerateKeys(projectDir: string, stack: string, nodeCount: number): Promise<string> {
    const dir = path.join(projectDir, ".keys", stack);
    await ensureGeneratedQdata({
        dir,
        nodeCount,
        password: "",
        chainId: 3543006677,
        gasLimit: "0x2FEFD800",
        scryptN: TEST_SCRYPT_N,
    });
    return dir;
}

/** The config block quorum-tools' examples/setup.sh writes into a Raft genesis: byzantiumBlock without eip158Block. */
export const SETUP_SH_RAFT_CONFIG = {
    homesteadBlock: 0,
    byzantiumBlock: 0,
    eip150Block: 0,
    eip155Block: 0,
    isQuorum: true,
    chainId: 3543006677,
};

/**
 * A qdata folder as quorum-tools examples/setup.sh leaves it: keys plus network files that name
 * its docker-compose addresses (172.13.0.x), a logs folder, an empty geth folder, and for Raft
 * setup.sh's own genesis config (istanbul-tools writes the IBFT one in go-ethereum's order).
 */
export async function makeQuorumToolsFolder(
    nodeCount: number,
    consensus: Consensus = { kind: "raft" },
): Promise<string> {
    const dir = tempDir("qdata");
    await ensureGeneratedQdata({
        dir,
        nodeCount,
        consensus,
        password: "",
        chainId: 3543006677,
        gasLimit: "0x2FEFD800",
        scryptN: TEST_SCRYPT_N,
    });
    const composeEnodes = Array.from(
        { length: nodeCount },
        (_, i) => `enode://${"ab".repeat(64)}@172.13.0.${2 * i + 3}:30303?discport=0&raftport=50400`,
    );
    for (let index = 1; index <= nodeCount; index++) {
        const member = path.join(dir, `qdata_${index}`);
        fs.writeFileSync(path.join(member, "ethereum/static-nodes.json"), JSON.stringify(composeEnodes));
        fs.writeFileSync(path.join(member, "ethereum/permissioned-nodes.json"), JSON.stringify(composeEnodes));
        fs.writeFileSync(path.join(member, "constellation/tm.conf"), `url = "http://172.13.0.${2 * index}:9000/"\n`);
        fs.mkdirSync(path.join(member, "ethereum/geth"), { recursive: true });
        fs.mkdirSync(path.join(member, "logs"), { recursive: true });
        fs.writeFileSync(path.join(member, "logs/dummy.txt"), "");
        if (consensus.kind === "raft") {
            const genesisFile = path.join(member, "ethereum/genesis.json");
            const genesis = JSON.parse(fs.readFileSync(genesisFile, "utf8")) as Record<string, unknown>;
            fs.writeFileSync(genesisFile, JSON.stringify({ ...genesis, config: SETUP_SH_RAFT_CONFIG }, null, 2) + "\n");
        }
    }
    return dir;
}
