// The restoreFrom key: a backup folder whose chain data the stack's new volumes start with.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BackupManifest, readManifest, verifyBackup } from "../backup/manifest";
import { GENESIS } from "../model/layout";
import { qdataFolderName } from "../model/paths";
import { RestoreSource } from "../model/restore";


const genesisOf = (root: string) => path.join(root, qdataFolderName(1), GENESIS);
const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

export interface RestoreCheck {
    dir: string;
    /** The qdata folder the stack takes its keys and genesis from. */
    qdataDir: string;
    nodeCount: number;
    raft: boolean;
    nodeIps: string[];
}

/** Each reason the backup cannot be restored into this stack, naming the key. */
export function restoreProblems(check: RestoreCheck): string[] {
    let manifest: BackupManifest;
    try {
        manifest = readManifest(check.dir);
    } catch (error) {
        return [`restoreFrom: ${(error as Error).message} (npm run backup -- --out DIR makes one)`];
    }
    // Every byte is checked before a volume is written: a changed key or chain is refused here.
    const tampered = verifyBackup(check.dir);
    if (tampered.length > 0) {
        return [`restoreFrom: the backup's files differ from its manifest (${tampered.slice(0, 5).join("; ")}${tampered.length > 5 ? `; and ${tampered.length - 5} more` : ""}); npm run backup -- --verify ${check.dir} lists them all`];
    }
    const problems: string[] = [];
    const nodes = manifest.members.filter((member) => member.head !== undefined).length;
    if (nodes !== check.nodeCount) problems.push(`restoreFrom: the backup holds ${nodes} nodes, nodeCount is ${check.nodeCount}; set nodeCount to ${nodes}`);
    const backedUp = manifest.files.find((file) => file.path === `${qdataFolderName(1)}/${GENESIS}`)?.sha256;
    const ours = fs.existsSync(genesisOf(check.qdataDir)) ? sha256(genesisOf(check.qdataDir)) : "none";
    if (backedUp !== ours) {
        problems.push(`restoreFrom: the backup's chain (genesis block ${manifest.genesisHash}, genesis.json sha256 ${backedUp}) is not this stack's (${check.qdataDir}: genesis.json sha256 ${ours}); leave qdataDir unset to take the backup's keys`);
    }
    const joined = manifest.members.filter((member) => member.raftJoined).map((member) => member.name);
    if (check.raft && joined.length > 0) {
        problems.push(`restoreFrom: ${joined.join(", ")} joined the Raft network after it was founded, so its Raft id is not its place in static-nodes.json; restoring such members is not supported yet: restore a backup of founders only`);
    }
    const ips = manifest.members.flatMap((member) => (member.ip ? [member.ip] : []));
    if (check.raft && ips.join() !== check.nodeIps.slice(0, ips.length).join()) {
        problems.push(`restoreFrom: Raft members dial the addresses they joined with; the backup's nodes were at ${ips.join(", ")}, this stack's are at ${check.nodeIps.join(", ")}: set nodeIps (or bootnodeIp) to the backup's`);
    }
    return problems;
}

export function restoreSource(dir: string): RestoreSource {
    return { dir, backupId: readManifest(dir).createdAt };
}
