// The restoreFrom key: a backup folder whose chain data the stack's new volumes start with.
// Every file is read as lib/files/plainFiles.ts reads them: a link, FIFO, socket or device in the
// backup is refused naming its path, never followed or opened.
import { BackupManifest, readManifest, verifyBackup } from "../backup/manifest";
import { digestPlainFile, entryWithin, refusalOf } from "../files/plainFiles";
import { ConsensusKind } from "../model/consensus";
import { GENESIS } from "../model/layout";
import { qdataFolderName } from "../model/paths";
import { RestoreSource } from "../model/restore";
import { CopiedHead, RestorePoint, restorePoint } from "../model/restorePoint";

const GENESIS_PATH = `${qdataFolderName(1)}/${GENESIS}`;

export interface RestoreCheck {
    dir: string;
    /** The qdata folder the stack takes its keys and genesis from. */
    qdataDir: string;
    nodeCount: number;
    consensus: ConsensusKind;
    /** IBFT/QBFT: the stack's genesis's, for the quorum the restore point weighs. */
    ceil2Nby3Block?: number;
    /** The stack's runtime can start restored nodes with sealing held. */
    canHoldSealing: boolean;
    nodeIps: string[];
    /** Every file was already checked against the manifest (the stack read its keys from the backup). */
    backupVerified?: boolean;
}

/** Each reason the backup cannot be restored into this stack, naming the key. */
export function restoreProblems(check: RestoreCheck): string[] {
    let manifest: BackupManifest;
    try {
        manifest = readManifest(check.dir);
    } catch (error) {
        return [`restoreFrom: ${(error as Error).message} (npm run backup -- --out DIR makes one)`];
    }
    const tampered = check.backupVerified ? [] : tamperedBackupProblems(check.dir);
    if (tampered.length > 0) return tampered;
    const problems = nodeProblems(manifest, check.nodeCount);
    const backedUp = manifest.files.find((file) => file.path === GENESIS_PATH)?.sha256;
    const ours = genesisSha256(check.qdataDir);
    if (ours.problem) problems.push(`restoreFrom: the stack's genesis cannot be compared: ${ours.problem}`);
    else if (backedUp !== ours.sha256) {
        problems.push(
            `restoreFrom: the backup's chain (genesis block ${manifest.genesisHash}, genesis.json sha256 ${backedUp}) is not this stack's (${check.qdataDir}: genesis.json sha256 ${ours.sha256}); leave qdataDir unset to take the backup's keys`,
        );
    }
    const point = pointOf(manifest, check);
    if ("problem" in point)
        problems.push(`restoreFrom: the backup's members cannot be brought to one chain: ${point.problem}`);
    const raft = check.consensus === "raft";
    const joined = manifest.members.filter((member) => member.raftJoined).map((member) => member.name);
    if (raft && joined.length > 0) {
        problems.push(
            `restoreFrom: ${joined.join(", ")} joined the Raft network after it was founded, so its Raft id is not its place in static-nodes.json; restoring such members is not supported yet: restore a backup of founders only`,
        );
    }
    const ips = manifest.members.flatMap((member) => (member.ip ? [member.ip] : []));
    if (raft && ips.join() !== check.nodeIps.slice(0, ips.length).join()) {
        problems.push(
            `restoreFrom: Raft members dial the addresses they joined with; the backup's nodes were at ${ips.join(", ")}, this stack's are at ${check.nodeIps.join(", ")}: set nodeIps (or bootnodeIp) to the backup's`,
        );
    }
    return problems;
}

/**
 * Every byte and entry of the backup against its manifest, as one refusal; none when it is whole.
 * The restore checks its own copy again before it enters a volume: a changed key or chain, a link
 * or an unlisted file is refused.
 */
export function tamperedBackupProblems(dir: string): string[] {
    let tampered: string[];
    try {
        tampered = verifyBackup(dir);
    } catch (error) {
        tampered = [refusalOf(error)];
    }
    if (tampered.length === 0) return [];
    return [
        `restoreFrom: the backup's files differ from its manifest (${tampered.slice(0, 5).join("; ")}${tampered.length > 5 ? `; and ${tampered.length - 5} more` : ""}); npm run backup -- --verify ${dir} lists them all`,
    ];
}

/** The restore lays node N from the backup's qdata_N: each of the stack's nodes must be a node the manifest covers, and no other. */
function nodeProblems(manifest: BackupManifest, nodeCount: number): string[] {
    const nodes = manifest.members.filter((member) => member.head !== undefined);
    if (nodes.length !== nodeCount)
        return [
            `restoreFrom: the backup holds ${nodes.length} nodes, nodeCount is ${nodeCount}; set nodeCount to ${nodes.length}`,
        ];
    const names = new Set(nodes.map((member) => member.name));
    const missing = Array.from({ length: nodeCount }, (_, i) => `node-${i + 1}`).filter((name) => !names.has(name));
    if (missing.length === 0) return [];
    return [
        `restoreFrom: the manifest does not cover ${missing.join(", ")}; node N is restored from member node-N, so it must name node-1..node-${nodeCount}`,
    ];
}

/** The stack's own genesis, by checksum ("none" when it has none yet). */
function genesisSha256(qdataDir: string): { sha256?: string; problem?: string } {
    try {
        return {
            sha256: entryWithin(qdataDir, GENESIS_PATH) ? digestPlainFile(qdataDir, GENESIS_PATH).sha256 : "none",
        };
    } catch (error) {
        return { problem: refusalOf(error) };
    }
}

/** The one head the members are brought to, by this stack's consensus and runtime. */
function pointOf(manifest: BackupManifest, check: RestoreCheck): { point: RestorePoint } | { problem: string } {
    const nodes = manifest.members.flatMap((member): CopiedHead[] =>
        member.head ? [{ name: member.name, head: member.head, validator: member.validator }] : [],
    );
    return restorePoint({
        consensus: check.consensus,
        ceil2Nby3Block: check.ceil2Nby3Block,
        nodes,
        canHoldSealing: check.canHoldSealing,
    });
}

/** A backup restoreProblems found none in. */
export function restoreSource(check: RestoreCheck): RestoreSource {
    const manifest = readManifest(check.dir);
    const found = pointOf(manifest, check);
    if (!("point" in found)) throw new Error(`restoreFrom: ${found.problem}`);
    return { dir: check.dir, backupId: manifest.createdAt, point: found.point };
}
