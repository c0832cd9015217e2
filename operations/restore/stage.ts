// A member's folder of a backup, copied into a private local folder and checked there, file by
// file against the manifest: what enters the volume is this copy, so a backup folder changed after
// the preview checked it (a file edited, a link put in) cannot reach the cluster.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FileEntry, readManifest } from "../../lib/backup/manifest";
import { copyPlainFile, entryWithin, NotPlainError, plainTree, refusalOf } from "../../lib/files/plainFiles";

export interface StagedMember {
    /** The checked copy of the member's folder. */
    dir: string;
    remove(): void;
}

/**
 * The member folder `folder` of the backup at `root`, copied without `excluded` (paths relative to
 * the member's folder). Refused, naming each path, when the folder holds an entry that is no
 * regular file or folder, a file the manifest does not list or lists otherwise, or misses one.
 */
export function stageMember(root: string, folder: string, excluded: string[]): StagedMember {
    const manifest = readManifest(root);
    const source = path.join(root, folder);
    if (!manifest.members.some((member) => member.folder === folder))
        throw new NotPlainError(`${source}: the manifest names no member here`);
    if (!entryWithin(root, folder)?.isDirectory())
        throw new NotPlainError(`${source}: is not a folder of the backup (a link is never followed)`);
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), "kaleido-restore-"));
    const remove = () => fs.rmSync(staging, { recursive: true, force: true });
    try {
        const problems = copyChecked(root, folder, staging, excluded, manifest.files);
        const listed = `${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`;
        if (problems.length > 0)
            throw new NotPlainError(
                `${source} is not the backup its manifest describes, so nothing was restored: ${listed}`,
            );
    } catch (error) {
        remove();
        throw error;
    }
    return { dir: path.join(staging, folder), remove };
}

/** Copies each listed file of the member, checking the copy's bytes; returns every problem, by path. */
function copyChecked(root: string, folder: string, staging: string, excluded: string[], files: FileEntry[]): string[] {
    const tree = plainTree(path.join(root, folder));
    const listed = new Map(files.filter((file) => file.path.startsWith(`${folder}/`)).map((file) => [file.path, file]));
    const problems = [...tree.problems];
    for (const inside of tree.folders)
        fs.mkdirSync(path.join(staging, folder, inside), { recursive: true, mode: 0o700 });
    for (const file of tree.files) {
        const relative = `${folder}/${file.path}`;
        const entry = listed.get(relative);
        listed.delete(relative);
        if (!entry) problems.push(`${relative}: not in the manifest`);
        else if (!excluded.includes(file.path)) problems.push(...copyOne(root, relative, staging, entry));
    }
    return [...problems, ...[...listed.keys()].map((relative) => `${relative}: missing`)];
}

function copyOne(root: string, relative: string, staging: string, entry: FileEntry): string[] {
    try {
        const copied = copyPlainFile(root, relative, staging);
        if (copied.size === entry.size && copied.sha256 === entry.sha256) return [];
        return [
            `${relative}: changed (the copy has ${copied.size} bytes, sha256 ${copied.sha256}; the manifest says ${entry.size}, ${entry.sha256})`,
        ];
    } catch (error) {
        return [refusalOf(error)];
    }
}
