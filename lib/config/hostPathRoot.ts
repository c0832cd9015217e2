// hostPathRoot: the folder on the minikube node holding the stack's qdata_N folders, which its
// teardown wipes. It lies in a folder minikube keeps for data (never a system folder), and neither
// holds nor lies inside the folders of another stack of the project on the same minikube profile:
// the seed's kaleido stack keeps /data/qdata_N, so a stack named qdata_1 would otherwise land in
// the seed's node 1.
import * as path from "path";
import { declaredDefault } from "./declared";
import { stackFileConfig, stackFileNames } from "./stackFile";
import { RawConfig, ValueReader } from "./values";
import {
    isCanonicalFolder,
    memberFolderAround,
    Overlap,
    overlapOf,
    PERSISTED_FOLDERS,
    persistedFolderOf,
} from "../model/hostFolders";

/** Where a stack's host folders go unless hostPathRoot says otherwise: /data/<stack>. */
const DEFAULT_PARENT = "/data";

export interface FolderOwner {
    stack: string;
    root: string;
    /** Its stack file leaves hostPathRoot empty: the root is /data/<stack>. */
    byDefault: boolean;
}

/** The stack's own root: hostPathRoot, or /data/<stack> when it is empty. */
export function defaultRoot(stack: string, hostPathRoot: string): string {
    return hostPathRoot === "" ? `${DEFAULT_PARENT}/${stack}` : hostPathRoot;
}

/** Why the root alone is refused (its form, where it lies), or undefined. */
function rootProblem(root: string): string | undefined {
    if (!isCanonicalFolder(root)) {
        const form =
            "'/'-separated names of letters, digits, '.', '_' and '-', no empty, . or .. part and no trailing slash";
        return `${JSON.stringify(root)} must be an absolute folder written as the node resolves it: ${form}, such as /data/dev`;
    }
    if (!persistedFolderOf(root)) {
        const rest =
            "the rest are lost when minikube restarts or hold the system's own files (/, /etc, /var/lib/kubelet, /var/lib/minikube)";
        return `${root} lies outside the folders minikube keeps for data (${PERSISTED_FOLDERS.join(", ")}): ${rest}; use a folder under /data`;
    }
    const member = memberFolderAround(root);
    if (!member) return undefined;
    const where = root === member ? "is" : `lies inside ${member},`;
    const why = "each stack keeps its members in <hostPathRoot>/qdata_N, the seed's in /data/qdata_N";
    return `${root} ${where} a member's folder (${why}); use a folder outside every qdata_N`;
}

/** The other stacks' roots on the same minikube profile, as their stack files set them. */
export function otherStackRoots(projectDir: string, stack: string, profile: string): FolderOwner[] {
    const own = stack.split("/").pop();
    return stackFileNames(projectDir)
        .filter((name) => name !== own)
        .flatMap((name) => {
            const raw = readableStackFile(projectDir, name);
            if (!raw) return [];
            const text = (key: string) => String(raw[key] ?? declaredDefault(key)).trim();
            if (text("platform") !== "minikube" || text("minikubeProfile") !== profile) return [];
            const root = defaultRoot(name, text("hostPathRoot"));
            // Its own preview judges its form; compared here as the node would resolve it.
            const resolved = path.posix.normalize(root).replace(/(.)\/+$/, "$1");
            return root.startsWith("/")
                ? [{ stack: name, root: resolved, byDefault: text("hostPathRoot") === "" }]
                : [];
        });
}

/** A stack file that is not YAML is its own stack's problem, named by its own preview; here it holds no folder. */
function readableStackFile(projectDir: string, stack: string): RawConfig | undefined {
    try {
        return stackFileConfig(projectDir, stack);
    } catch {
        return undefined;
    }
}

function overlapProblem(own: string, other: FolderOwner, overlap: Overlap): string {
    const file = `Pulumi.${other.stack}.yaml`;
    const set = other.byDefault
        ? `${file} leaves hostPathRoot empty: ${other.root}`
        : `${file}: hostPathRoot ${other.root}`;
    const theirs = `stack ${other.stack}'s ${overlap.folder} (${set})`;
    const relation = { same: `is also ${theirs}`, inside: `lies inside ${theirs}`, holds: `holds ${theirs}` }[
        overlap.relation
    ];
    return `${own} ${relation}: a teardown of either stack would wipe the other's chain data; give this stack a folder of its own beside theirs`;
}

/** The root, after a problem for each way it is refused. `profile` is the minikube the stack runs on. */
export function readHostPathRoot(
    reader: ValueReader,
    context: { stack: string; projectDir: string },
    profile: string,
): string {
    const set = reader.string("hostPathRoot");
    const root = defaultRoot(context.stack, set);
    const named = set === "" ? `${root} (empty hostPathRoot: /data/<stack>)` : root;
    const problem = rootProblem(root);
    if (problem) {
        reader.problem(
            "hostPathRoot",
            set === ""
                ? `empty means /data/<stack>, and ${problem}; set hostPathRoot to a folder of the stack's own`
                : problem,
        );
        return root;
    }
    for (const other of otherStackRoots(context.projectDir, context.stack, profile)) {
        const overlap = overlapOf(root, other.root);
        if (overlap) reader.problem("hostPathRoot", overlapProblem(named, other, overlap));
    }
    return root;
}
