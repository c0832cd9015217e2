// Host folders a stack may mount: its members' own, <hostPathRoot>/qdata_N as the minikube platform
// names each member's hostPath PersistentVolume, under a folder minikube keeps for data.
import * as path from "path";
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PERSISTED_FOLDERS } from "../lib/model/hostFolders";
import { qdataFolderName } from "../lib/model/paths";
import { claimName } from "../lib/network/names";
import { kindOf, knownResource, nameOf, objectsAt, podsOf, Resource, textAt, where } from "./props";

interface HostPathUse {
    owner: string;
    path: string;
    /** N of the member claim qdata-N a PersistentVolume is reserved for. */
    member?: number;
}

/** N of the member claim a PersistentVolume is reserved for (qdata-N), if it is. */
function memberOfClaim(claim: string): number | undefined {
    const index = /(\d+)$/.exec(claim)?.[1];
    return index !== undefined && claimName(Number(index)) === claim ? Number(index) : undefined;
}

function volumeUses(resource: Resource): HostPathUse[] {
    const spec = resource.props.spec;
    const hostPath = textAt(spec, "hostPath", "path") ?? textAt(spec, "local", "path");
    if (hostPath === undefined) return [];
    return [
        {
            owner: `PersistentVolume ${nameOf(resource)}`,
            path: hostPath,
            member: memberOfClaim(textAt(spec, "claimRef", "name") ?? ""),
        },
    ];
}

function hostPathUses(resources: Resource[]): HostPathUse[] {
    const volumes = resources.filter((resource) => kindOf(resource.type) === "PersistentVolume").flatMap(volumeUses);
    const podVolumes = podsOf(resources).flatMap((pod) =>
        objectsAt(pod.spec, "volumes").flatMap((volume) => {
            const hostPath = textAt(volume, "hostPath", "path");
            return hostPath === undefined
                ? []
                : [{ owner: `${where(pod)}: volume ${textAt(volume, "name") ?? "?"}`, path: hostPath }];
        }),
    );
    return [...volumes, ...podVolumes];
}

/** The path as the node resolves it: . and .. gone, no trailing slash. */
const normal = (folder: string): string => path.posix.normalize(`/${folder}`).replace(/\/+$/, "") || "/";
const inside = (folder: string, parent: string): boolean =>
    folder === parent || folder.startsWith(`${parent === "/" ? "" : parent}/`);
const ROOT = "<hostPathRoot>";
const memberFolder = (root: string, member: number): string => `${root}/${qdataFolderName(member)}`;

/** The root most member volumes share: the folder a member's volume names without its /qdata_N. */
function stackRoot(uses: HostPathUse[]): string | undefined {
    const counts = new Map<string, number>();
    for (const use of uses) {
        const suffix = use.member === undefined ? undefined : `/${qdataFolderName(use.member)}`;
        const folder = normal(use.path);
        const root = suffix !== undefined && folder.endsWith(suffix) ? folder.slice(0, -suffix.length) : "";
        if (root !== "") counts.set(root, (counts.get(root) ?? 0) + 1);
    }
    return [...counts].sort((one, other) => other[1] - one[1])[0]?.[0];
}

function judge(uses: HostPathUse[], reportViolation: ReportViolation): void {
    const root = stackRoot(uses);
    const rootAllowed = root !== undefined && PERSISTED_FOLDERS.some((folder) => inside(root, folder));
    const persisted = `the folders minikube keeps for data (${PERSISTED_FOLDERS.join(", ")})`;
    if (root !== undefined && !rootAllowed)
        reportViolation(`the stack's host folders lie in ${root}, outside ${persisted}; set hostPathRoot under /data`);
    const members = uses.filter(
        (use) => root !== undefined && use.member !== undefined && normal(use.path) === memberFolder(root, use.member),
    );
    const own = rootAllowed ? members.map((use) => normal(use.path)) : [];
    const ownText = root === undefined ? "it has none on host folders" : `${root}/qdata_0..qdata_N`;
    for (const use of uses) {
        // A member's own folder: fine, or its root is reported once above.
        if (members.includes(use)) continue;
        if (use.member === undefined && own.some((folder) => inside(normal(use.path), folder))) continue;
        const remedy =
            use.member === undefined
                ? "mount a PersistentVolumeClaim instead"
                : `a member's volume is ${memberFolder(ROOT, use.member)}`;
        reportViolation(
            `${use.owner}: hostPath ${use.path} lies outside the stack's own folders (${ownText}); ${remedy}`,
        );
    }
}

export const hostPathsOwn: StackValidationPolicy = {
    name: "host-paths-in-stack-folders",
    description:
        "A hostPath (a pod's volume or a PersistentVolume) names one of the stack's own folders, <hostPathRoot>/qdata_N, " +
        "under a folder minikube keeps for data: never / or a system folder.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) =>
        judge(hostPathUses(args.resources.map(knownResource)), reportViolation),
};
