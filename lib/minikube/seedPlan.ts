// What the network's seed Command is handed on its stdin: every member it lays on the minikube node
// in one trip, each member's files as the qdata layout gives them. The program writes it
// (components/minikube/networkSeed.ts), scripts/seed-qdata.ts reads it. A rendered text is written
// once however many members lay it: every node lays the same static-nodes.json.
import { FileRole, SeedFile } from "../model/layout";

/** One file of a member's seed: copied from its source folder, or the plan's text `text`. */
export interface PlannedFile {
    path: string;
    role: FileRole;
    mode: number;
    /** A rendered file: its index in SeedPlan.texts. */
    text?: number;
}

export interface PlannedMember {
    /** The member's name in messages and on the node, e.g. qdata-1. */
    name: string;
    /** The local qdata_N folder its copied files come from. */
    sourceDir: string;
    /** Its host folder on the minikube node. */
    targetDir: string;
    /** Its chain identity: the node keeps the folder's chain while it is the same. */
    seedId: string;
    files: PlannedFile[];
}

export interface SeedPlan {
    profile: string;
    /** project/stack: a folder another owner seeded is refused. */
    owner: string;
    texts: string[];
    members: PlannedMember[];
}

/** One member as the program declares it: its files with the rendered ones' text. */
export interface MemberSeed extends Omit<PlannedMember, "files"> {
    files: SeedFile[];
}

/** The plan for these members, each rendered text listed once. */
export function seedPlan(profile: string, owner: string, members: readonly MemberSeed[]): SeedPlan {
    const texts: string[] = [];
    const indexes = new Map<string, number>();
    const textIndex = (content: string) => {
        if (!indexes.has(content)) indexes.set(content, texts.push(content) - 1);
        return indexes.get(content);
    };
    const planned = members.map(({ files, ...member }) => ({
        ...member,
        files: files.map(({ content, ...file }) =>
            content === undefined ? file : { ...file, text: textIndex(content) },
        ),
    }));
    return { profile, owner, texts, members: planned };
}

/** A plan as the seed Command's stdin carries it: its fields checked, each wrong one named. */
export function parseSeedPlan(text: string): SeedPlan {
    const plan: unknown = JSON.parse(text);
    if (!isRecord(plan)) throw new Error("the seed plan is not a JSON object");
    const texts = plan.texts;
    if (!isStrings(texts)) throw new Error("the seed plan's texts are not strings");
    if (!Array.isArray(plan.members)) throw new Error("the seed plan has no members");
    const members = plan.members.map((member, i) => memberOf(member, `member ${i}`, texts.length));
    const twice = members.find((member, i) => members.findIndex((other) => other.name === member.name) !== i);
    if (twice) throw new Error(`the seed plan names ${twice.name} twice`);
    return {
        profile: stringField(plan, "profile", "the seed plan"),
        owner: stringField(plan, "owner", "the seed plan"),
        texts,
        members,
    };
}

function memberOf(value: unknown, where: string, textCount: number): PlannedMember {
    if (!isRecord(value) || !Array.isArray(value.files)) throw new Error(`the seed plan's ${where} has no files`);
    const name = stringField(value, "name", where);
    if (!PLAIN_NAME.test(name))
        throw new Error(`the seed plan's ${where}: ${JSON.stringify(name)} is not a plain name`);
    const targetDir = stringField(value, "targetDir", name);
    if (!targetDir.startsWith("/")) throw new Error(`${name}: its target ${targetDir} is not an absolute path`);
    return {
        name,
        sourceDir: stringField(value, "sourceDir", name),
        targetDir,
        seedId: stringField(value, "seedId", name),
        files: value.files.map((file) => fileOf(file, name, textCount)),
    };
}

const ROLES: readonly unknown[] = ["key", "chain", "peers"] satisfies FileRole[];
const isRole = (value: unknown): value is FileRole => ROLES.includes(value);
/** A member's name is a file name on the node; a file's path stays inside the member's folder. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const isInside = (relative: string) =>
    relative.split("/").every((part) => part !== "" && part !== "." && part !== "..");

function fileOf(value: unknown, member: string, textCount: number): PlannedFile {
    if (!isRecord(value)) throw new Error(`${member}: a file of the seed plan is not an object`);
    const path = stringField(value, "path", member);
    const { role, mode, text } = value;
    if (!isInside(path)) throw new Error(`${member}: ${path} is not a path inside the member's folder`);
    if (!isRole(role)) throw new Error(`${member}: ${path} has no role`);
    if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o777)
        throw new Error(`${member}: ${path} has no mode`);
    if (text !== undefined && !(typeof text === "number" && Number.isInteger(text) && text >= 0 && text < textCount))
        throw new Error(`${member}: ${path} names no text of the plan`);
    return { path, role, mode, ...(text === undefined ? {} : { text }) };
}

function stringField(record: Record<string, unknown>, key: string, where: string): string {
    const value = record[key];
    if (typeof value !== "string" || value === "") throw new Error(`${where}: ${key} is not set in the seed plan`);
    return value;
}

function isStrings(value: unknown): value is string[] {
    return Array.isArray(value) && value.every((entry) => typeof entry === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
