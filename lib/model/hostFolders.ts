// Host folders on a minikube node: where a stack's hostPathRoot may lie, and which folders each
// stack owns (a teardown wipes them), compared by path segments: /data/dev and /data/dev2 are
// siblings, /data/dev/x lies inside /data/dev.

/**
 * Folders minikube keeps across restarts that hold none of the system's files. Its handbook
 * ("Persistent Volumes") lists these beside /var/lib/minikube, /var/lib/docker, containerd,
 * buildkit and containers, which hold the cluster's own state. hostPathRoot lies in one of them at
 * preview, and the policy pack judges the rendered volumes by the same list.
 */
export const PERSISTED_FOLDERS = ["/data", "/tmp/hostpath_pv", "/tmp/hostpath-provisioner"];

/** Absolute, /-separated names of letters, digits, '.', '_' and '-': no empty part, no trailing slash (but /). */
const CANONICAL = /^(\/[A-Za-z0-9._-]+)+$|^\/$/;
/** A member's folder, as paths.ts's qdataFolderName names them in every stack's root. */
const MEMBER_FOLDER = /^qdata_\d+$/;

const segmentsOf = (folder: string): string[] => folder.split("/").filter(Boolean);
const joined = (segments: string[]): string => `/${segments.join("/")}`;

/** Written as the node resolves it: the folder it names, the only way to write it. */
export function isCanonicalFolder(folder: string): boolean {
    return CANONICAL.test(folder) && !segmentsOf(folder).some((segment) => segment === "." || segment === "..");
}

/** Whether `folder` is `parent` or lies inside it. */
function within(folder: string, parent: string): boolean {
    const [inner, outer] = [segmentsOf(folder), segmentsOf(parent)];
    return outer.length <= inner.length && outer.every((segment, i) => inner[i] === segment);
}

export function persistedFolderOf(root: string): string | undefined {
    return PERSISTED_FOLDERS.find((folder) => within(root, folder));
}

/** The member folder (…/qdata_N) the root lies in or is, if any: some stack's teardown wipes it whole. */
export function memberFolderAround(root: string): string | undefined {
    const segments = segmentsOf(root);
    const at = segments.findIndex((segment) => MEMBER_FOLDER.test(segment));
    return at < 0 ? undefined : joined(segments.slice(0, at + 1));
}

/**
 * A root that is a persisted folder itself (the seed's /data) owns only its members' qdata_N
 * folders, and other stacks live beside them; any other root is the stack's own, whole.
 */
function ownsOnlyMembers(root: string): boolean {
    return PERSISTED_FOLDERS.includes(root);
}

/** How this stack's folders meet another's, and the other's folder concerned. */
export interface Overlap {
    relation: "same" | "inside" | "holds";
    folder: string;
}

/** The member folder of `root` that `folder` is or lies in, if any. */
function memberOf(root: string, folder: string): string | undefined {
    const inner = segmentsOf(folder);
    const depth = segmentsOf(root).length;
    return within(folder, root) && MEMBER_FOLDER.test(inner[depth] ?? "")
        ? joined(inner.slice(0, depth + 1))
        : undefined;
}

const folders = (root: string): string => (ownsOnlyMembers(root) ? `${root}/qdata_0..N` : root);

/** Undefined when the two stacks' folders are apart: neither holds nor lies in the other's. */
export function overlapOf(own: string, other: string): Overlap | undefined {
    if (own === other) return { relation: "same", folder: folders(other) };
    if (within(own, other)) {
        if (!ownsOnlyMembers(other)) return { relation: "inside", folder: other };
        const member = memberOf(other, own);
        return member ? { relation: "inside", folder: member } : undefined;
    }
    if (within(other, own)) {
        if (!ownsOnlyMembers(own)) return { relation: "holds", folder: folders(other) };
        return memberOf(own, other) ? { relation: "holds", folder: folders(other) } : undefined;
    }
    return undefined;
}
