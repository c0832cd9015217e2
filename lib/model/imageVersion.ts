// The version an image's tag names (quorumengineering/quorum:24.4.1 → 24.4.1), compared as
// numbers; a tag that names no version (latest, a digest) cannot be compared.

export type Version = [major: number, minor: number, patch: number];

/** "24.4.1", "v24.4.1", "24.4.1-alpine": the leading major.minor.patch. */
export function parseVersion(text: string): Version | undefined {
    const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text);
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function versionOf(image: string): Version | undefined {
    const tag = /:([\w][\w.-]*)$/.exec(image.split("@")[0])?.[1];
    return tag === undefined ? undefined : parseVersion(tag);
}

export function compareVersions(a: Version, b: Version): number {
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export const formatVersion = (version: Version) => version.join(".");
