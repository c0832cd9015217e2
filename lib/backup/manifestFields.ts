// A backup manifest checked field by field before anything trusts it: its values name folders,
// files and markers that a restore writes, so each must be of the shape npm run backup writes.

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const MEMBER_NAME = /^(bootnode|node-[1-9]\d*)$/;
const MEMBER_FOLDER = /^qdata_\d+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A path inside the backup: relative, "/"-separated, no "." or ".." part, no shell or glob syntax. */
const RELATIVE_PATH = /^(?!.*(^|\/)\.{1,2}(\/|$))[A-Za-z0-9._@+=-]+(\/[A-Za-z0-9._@+=-]+)*$/;

type Fields = Record<string, unknown>;
/** The bootnode's folder is qdata_0, node N's qdata_N: a restore takes node N from qdata_N. */
const folderOf = (name: string) => `qdata_${name === "bootnode" ? 0 : name.replace(/^node-/, "")}`;
const isObject = (value: unknown): value is Fields =>
    typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number =>
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** Each field that is missing or of the wrong shape, as "field: what it must be". */
export function manifestProblems(manifest: unknown): string[] {
    if (!isObject(manifest)) return ["the manifest must be a JSON object"];
    const problems: string[] = [];
    const check = (ok: boolean, field: string, shape: string) => {
        if (!ok) problems.push(`${field} must be ${shape}`);
    };
    check(manifest.format === 1, "format", "1");
    check(
        typeof manifest.createdAt === "string" && ISO_TIME.test(manifest.createdAt),
        "createdAt",
        "a UTC time such as 2026-12-01T10:00:00.000Z",
    );
    check(typeof manifest.stack === "string" && manifest.stack.length > 0, "stack", "a stack name");
    check(
        typeof manifest.namespace === "string" && DNS_LABEL.test(manifest.namespace),
        "namespace",
        "a namespace name",
    );
    check(
        manifest.consensus === "raft" || manifest.consensus === "ibft" || manifest.consensus === "qbft",
        "consensus",
        "raft, ibft or qbft",
    );
    check(isCount(manifest.chainId) && manifest.chainId > 0, "chainId", "a positive whole number");
    check(
        typeof manifest.genesisHash === "string" && HASH.test(manifest.genesisHash),
        "genesisHash",
        "0x and 64 hex digits",
    );
    if (!Array.isArray(manifest.members) || manifest.members.length === 0)
        problems.push("members must be a non-empty list");
    else problems.push(...manifest.members.flatMap((member, i) => memberProblems(member, `members[${i}]`)));
    if (!Array.isArray(manifest.files)) problems.push("files must be a list");
    else problems.push(...manifest.files.flatMap((file, i) => fileProblems(file, `files[${i}]`)));
    if (manifest.restorePoint !== undefined) problems.push(...restorePointProblems(manifest.restorePoint));
    if (problems.length > 0) return problems;
    return [
        ...repeated(manifest.members as Fields[], "folder", "members"),
        ...repeated(manifest.files as Fields[], "path", "files"),
    ];
}

const RESTORE_WAYS = ["raft-one-head", "bft-held", "bft-laggards-short-of-quorum"];

function restorePointProblems(point: unknown): string[] {
    const ok =
        isObject(point) &&
        isCount(point.number) &&
        typeof point.hash === "string" &&
        HASH.test(point.hash) &&
        RESTORE_WAYS.includes(String(point.way));
    return ok ? [] : [`restorePoint must be { number, hash, way } with way ${RESTORE_WAYS.join(", ")}`];
}

/** A second entry for one folder or path could hide the first's checksum. */
function repeated(list: Fields[], key: string, field: string): string[] {
    const seen = new Set<unknown>();
    return list.flatMap((item, i) => {
        const twice = seen.has(item[key]);
        seen.add(item[key]);
        return twice ? [`${field}[${i}].${key} must be named once; ${String(item[key])} is named before`] : [];
    });
}

function memberProblems(member: unknown, field: string): string[] {
    if (!isObject(member)) return [`${field} must be an object`];
    const problems: string[] = [];
    if (typeof member.name !== "string" || !MEMBER_NAME.test(member.name))
        problems.push(`${field}.name must be bootnode or node-N`);
    if (typeof member.folder !== "string" || !MEMBER_FOLDER.test(member.folder))
        problems.push(`${field}.folder must be qdata_N`);
    else if (
        typeof member.name === "string" &&
        MEMBER_NAME.test(member.name) &&
        member.folder !== folderOf(member.name)
    ) {
        problems.push(`${field}.folder must be ${folderOf(member.name)}, the folder of ${member.name}`);
    }
    const head = member.head;
    if (
        head !== undefined &&
        !(isObject(head) && isCount(head.number) && typeof head.hash === "string" && HASH.test(head.hash))
    )
        problems.push(`${field}.head must be { number, hash }`);
    if (member.ip !== undefined && !(typeof member.ip === "string" && IPV4.test(member.ip)))
        problems.push(`${field}.ip must be an IPv4 address`);
    if (member.raftJoined !== undefined && typeof member.raftJoined !== "boolean")
        problems.push(`${field}.raftJoined must be true or false`);
    if (member.validator !== undefined && typeof member.validator !== "boolean")
        problems.push(`${field}.validator must be true or false`);
    return problems;
}

function fileProblems(file: unknown, field: string): string[] {
    if (!isObject(file)) return [`${field} must be an object`];
    const problems: string[] = [];
    if (typeof file.path !== "string" || !RELATIVE_PATH.test(file.path))
        problems.push(`${field}.path must be a relative path inside the backup`);
    if (!isCount(file.size)) problems.push(`${field}.size must be a byte count`);
    if (typeof file.sha256 !== "string" || !SHA256.test(file.sha256))
        problems.push(`${field}.sha256 must be 64 lower-case hex digits`);
    return problems;
}
